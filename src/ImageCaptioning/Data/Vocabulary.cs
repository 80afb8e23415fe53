namespace ImageCaptioning.Data;

/// <summary>
/// The decoder's word ↔ id mapping: ids 0..3 are <c>&lt;pad&gt; &lt;start&gt; &lt;end&gt; &lt;unk&gt;</c>, then words by
/// descending training count (ties in ordinal order, so the same captions always give the same ids); words below the
/// minimum count map to <see cref="UnknownId"/>. Saved as JSON (<see cref="VocabularyFile"/>).
/// </summary>
public sealed class Vocabulary
{
    public const int PadId = 0, StartId = 1, EndId = 2, UnknownId = 3;

    /// <summary>The special tokens, index = id.</summary>
    public static IReadOnlyList<string> SpecialTokens { get; } = ["<pad>", "<start>", "<end>", "<unk>"];

    /// <summary>The default minimum number of training occurrences for a word to get its own id.</summary>
    public const int DefaultMinCount = 5;

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;

    internal Vocabulary(string[] tokens, int minCount)
    {
        _tokens = tokens;
        MinCount = minCount;
        _ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
            _ids.Add(tokens[i], i);
    }

    /// <summary>Number of ids, special tokens included.</summary>
    public int Count => _tokens.Length;

    /// <summary>The minimum count the vocabulary was built with.</summary>
    public int MinCount { get; }

    /// <summary>Every token, index = id.</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    /// <summary>
    /// Counts the words of <paramref name="tokenizedCaptions"/> (training captions only, already passed
    /// through <see cref="CaptionTokenizer"/>) and keeps those seen at least <paramref name="minCount"/> times.
    /// </summary>
    public static Vocabulary Build(IEnumerable<IReadOnlyList<string>> tokenizedCaptions, int minCount = DefaultMinCount)
    {
        ArgumentNullException.ThrowIfNull(tokenizedCaptions);
        ArgumentOutOfRangeException.ThrowIfLessThan(minCount, 1);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (IReadOnlyList<string> caption in tokenizedCaptions)
        {
            foreach (string word in caption)
            {
                if (string.IsNullOrEmpty(word) || SpecialTokens.Contains(word))
                    continue; // the tokenizer never yields these; a hand-made list must not shadow a special id
                counts[word] = counts.GetValueOrDefault(word) + 1;
            }
        }
        IEnumerable<string> words = counts
            .Where(kv => kv.Value >= minCount)
            .OrderByDescending(kv => kv.Value)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => kv.Key);
        return new Vocabulary([.. SpecialTokens, .. words], minCount);
    }

    /// <summary>The id of <paramref name="word"/>, or <see cref="UnknownId"/> if it has none.</summary>
    public int IdOf(string word) => _ids.TryGetValue(word, out int id) ? id : UnknownId;

    /// <summary>Whether <paramref name="word"/> has its own id.</summary>
    public bool Contains(string word) => _ids.ContainsKey(word);

    /// <summary>The token of <paramref name="id"/>.</summary>
    public string WordOf(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, _tokens.Length);
        return _tokens[id];
    }

    /// <summary>The ids of <paramref name="tokens"/>, wrapped in <c>&lt;start&gt; … &lt;end&gt;</c> when <paramref name="addStartEnd"/>.</summary>
    public int[] Encode(IReadOnlyList<string> tokens, bool addStartEnd = true)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        int offset = addStartEnd ? 1 : 0;
        var ids = new int[tokens.Count + 2 * offset];
        if (addStartEnd)
        {
            ids[0] = StartId;
            ids[^1] = EndId;
        }
        for (int i = 0; i < tokens.Count; i++)
            ids[i + offset] = IdOf(tokens[i]);
        return ids;
    }

    /// <summary>
    /// The words of <paramref name="ids"/> joined by single spaces: stops at the first <c>&lt;end&gt;</c>,
    /// skips <c>&lt;start&gt;</c> and <c>&lt;pad&gt;</c>, writes <c>&lt;unk&gt;</c> for the unknown id.
    /// </summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var words = new List<string>();
        foreach (int id in ids)
        {
            if (id == EndId)
                break;
            if (id is StartId or PadId)
                continue;
            words.Add(WordOf(id));
        }
        return string.Join(' ', words);
    }

    /// <summary>
    /// Fraction of the words in <paramref name="tokenizedCaptions"/> that have their own id (not <c>&lt;unk&gt;</c>);
    /// 1 when there are no words.
    /// </summary>
    public double CoverageOf(IEnumerable<IReadOnlyList<string>> tokenizedCaptions)
    {
        ArgumentNullException.ThrowIfNull(tokenizedCaptions);
        long total = 0, known = 0;
        foreach (IReadOnlyList<string> caption in tokenizedCaptions)
        {
            foreach (string word in caption)
            {
                total++;
                if (_ids.ContainsKey(word))
                    known++;
            }
        }
        return total == 0 ? 1.0 : (double)known / total;
    }

    /// <summary>Writes the vocabulary as JSON (atomically: a reader never sees half a file).</summary>
    public void Save(string path) => VocabularyFile.Write(path, this);

    /// <summary>Reads and validates a vocabulary written by <see cref="Save"/>.</summary>
    /// <exception cref="VocabularyFormatException">Missing file, bad JSON, or a broken rule (the message says which).</exception>
    public static Vocabulary Load(string path) => VocabularyFile.Read(path);
}
