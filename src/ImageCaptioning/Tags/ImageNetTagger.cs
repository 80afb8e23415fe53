using System.Numerics.Tensors;
using ImageCaptioning.Encoder;

namespace ImageCaptioning.Tags;

/// <summary>
/// Turns the encoder's ImageNet prediction into caption words through an <see cref="ImageNetTagTable"/>.
/// A word's probability is the sum over the classes that stand for it — those listing it in the table and the members
/// of its group — each class counted once. Thread-safe (immutable after construction).
/// </summary>
public sealed class ImageNetTagger
{
    /// <summary>Tags below this probability are not reported by default.</summary>
    public const float DefaultMinProbability = 0.05f;

    /// <summary>Contributing classes reported per tag by default.</summary>
    public const int DefaultSourceCount = 3;

    private readonly ImageNetTagTable _table;
    private readonly (string Word, int[] Classes)[] _words; // every word with the classes that stand for it, ascending
    private readonly Dictionary<string, int[]> _classesOf;  // the same, by word: ClassCount and IsNarrower run per caption
    private readonly Dictionary<string, NovelWord> _novel = new(StringComparer.Ordinal); // novel word → how it is written

    public ImageNetTagger(ImageNetTagTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        _table = table;
        var byWord = new Dictionary<string, SortedSet<int>>(StringComparer.Ordinal);
        foreach (var row in table.Classes)
            foreach (string word in row.Words)
                Members(word).Add(row.Index);
        foreach (var group in table.Groups)
            Members(group.Word).UnionWith(group.Members);
        foreach (var row in table.Classes)
            if (row.Novel is { } novel)
            {
                Members(novel.Word).Add(row.Index);
                _novel[novel.Word] = novel;
            }
        _words = [.. byWord.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value.ToArray()))];
        _classesOf = _words.ToDictionary(w => w.Word, w => w.Classes, StringComparer.Ordinal);

        SortedSet<int> Members(string word) =>
            byWord.TryGetValue(word, out var set) ? set : byWord[word] = [];
    }

    /// <summary>The table this tagger reads.</summary>
    public ImageNetTagTable Table => _table;

    /// <summary>How many classes stand for <paramref name="word"/> (0 for a word the table does not produce): fewer = more specific.</summary>
    public int ClassCount(string word) => _classesOf.TryGetValue(word, out var classes) ? classes.Length : 0;

    /// <summary>
    /// True when every class that stands for <paramref name="word"/> also stands for <paramref name="broader"/>, and
    /// <paramref name="broader"/> has more: the table's hierarchy ("bird" is narrower than "animal" once every bird class is
    /// an animal class; "dog" than "animal"; "cat" is not narrower than "dog").
    /// </summary>
    public bool IsNarrower(string word, string broader)
    {
        return _classesOf.TryGetValue(word, out var narrow) && _classesOf.TryGetValue(broader, out var broad)
            && narrow.Length > 0 && narrow.Length < broad.Length
            && narrow.All(c => Array.BinarySearch(broad, c) >= 0);
    }

    /// <summary>How <paramref name="word"/> is written when it is a novel word (outside the vocabulary), else null.</summary>
    public NovelWord? NovelWordFor(string word) => _novel.GetValueOrDefault(word);

    /// <summary>Every word the table can produce (novel words included).</summary>
    public IEnumerable<string> Words => _words.Select(w => w.Word);

    /// <summary>Softmax of the encoder's logits [1000] → probabilities [1000].</summary>
    public static float[] Probabilities(ReadOnlySpan<float> logits)
    {
        if (logits.Length != EncoderGeometry.Classes)
            throw new ArgumentException($"Expected {EncoderGeometry.Classes} logits, got {logits.Length}.", nameof(logits));
        var probabilities = new float[logits.Length];
        TensorPrimitives.SoftMax(logits, probabilities);
        return probabilities;
    }

    /// <summary>Tags for an image the encoder has seen.</summary>
    public IReadOnlyList<EncoderTag> Tag(EncoderOutput encoded, float minProbability = DefaultMinProbability, int sourceCount = DefaultSourceCount)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        return Tag(Probabilities(encoded.Logits), minProbability, sourceCount);
    }

    /// <summary>
    /// The words whose probability is at least <paramref name="minProbability"/>, most probable first (ties: alphabetical),
    /// each with its <paramref name="sourceCount"/> most probable contributing classes.
    /// </summary>
    /// <param name="probabilities">Softmax probabilities [1000] (see <see cref="Probabilities"/>).</param>
    public IReadOnlyList<EncoderTag> Tag(ReadOnlySpan<float> probabilities, float minProbability = DefaultMinProbability, int sourceCount = DefaultSourceCount)
    {
        if (probabilities.Length != EncoderGeometry.Classes)
            throw new ArgumentException($"Expected {EncoderGeometry.Classes} probabilities, got {probabilities.Length}.", nameof(probabilities));
        ArgumentOutOfRangeException.ThrowIfNegative(sourceCount);
        var tags = new List<EncoderTag>();
        foreach (var (word, classes) in _words)
        {
            float sum = 0;
            foreach (int c in classes) sum += probabilities[c];
            if (sum < minProbability || sum <= 0) continue;
            var sources = new List<ClassProbability>(sourceCount);
            foreach (int c in TopClasses(probabilities, classes, sourceCount))
                sources.Add(new ClassProbability(_table.Classes[c].Label, probabilities[c]));
            tags.Add(new EncoderTag(word, sum, sources) { Novel = _novel.GetValueOrDefault(word) });
        }
        tags.Sort((a, b) => b.Probability != a.Probability ? b.Probability.CompareTo(a.Probability) : string.CompareOrdinal(a.Word, b.Word));
        return tags;
    }

    /// <summary>
    /// <paramref name="tags"/> (most probable first, as <see cref="Tag(ReadOnlySpan{float}, float, int)"/> returns them) without
    /// those a narrower tag holds at least half of (<see cref="IsNarrower"/>): "animal 1.00" goes when "pig 0.99" is there,
    /// "dog 1.00" stays beside "terrier 0.30". What a person needs to read; the first is the encoder's best guess.
    /// </summary>
    public IReadOnlyList<EncoderTag> MostSpecific(IReadOnlyList<EncoderTag> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        return [.. tags.Where(t => !tags.Any(n => n.Probability >= t.Probability / 2 && IsNarrower(n.Word, t.Word)))];
    }

    /// <summary>The encoder's best guess: the first of <see cref="MostSpecific"/>, null when there are no tags.</summary>
    public EncoderTag? BestGuess(IReadOnlyList<EncoderTag> tags) => MostSpecific(tags).FirstOrDefault();

    /// <summary>The summed probability of a group's members (e.g. every dog breed for "dog"), or null when there is no such group.</summary>
    public float? GroupProbability(string word, ReadOnlySpan<float> probabilities)
    {
        if (probabilities.Length != EncoderGeometry.Classes)
            throw new ArgumentException($"Expected {EncoderGeometry.Classes} probabilities, got {probabilities.Length}.", nameof(probabilities));
        if (_table.GroupFor(word) is not { } group) return null;
        float sum = 0;
        foreach (int c in group.Members) sum += probabilities[c];
        return sum;
    }

    private static IEnumerable<int> TopClasses(ReadOnlySpan<float> probabilities, int[] classes, int count)
    {
        var scored = new (float P, int Class)[classes.Length];
        for (int i = 0; i < classes.Length; i++) scored[i] = (probabilities[classes[i]], classes[i]);
        return scored.OrderByDescending(s => s.P).ThenBy(s => s.Class).Take(count).Select(s => s.Class);
    }
}
