using System.Runtime.InteropServices;

namespace ImageCaptioning.Metrics;

/// <summary>
/// Gives every word and n-gram (n ≤ 4) of a corpus a dense id, so scorers index arrays instead of hashing n-grams.
/// An n-gram is (id of its first n − 1 words, id of its last word), chaining up from unigrams.
/// </summary>
internal sealed class NGramInterner
{
    private const uint NoPrefix = uint.MaxValue;

    private readonly Dictionary<string, int> _words = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, int> _grams = new(PairComparer.Instance);

    // Per-caption scratch, indexed by n-gram id: where the gram sits in the caption being counted (valid when stamped).
    private int[] _slot = new int[1024];
    private int[] _stamp = new int[1024];
    private int _caption;

    /// <summary>Number of distinct n-grams seen so far (ids are 0 .. Count − 1).</summary>
    public int GramCount => _grams.Count;

    /// <summary>Counts the n-grams of one caption, interning new words and n-grams.</summary>
    public NGramCounts Count(IReadOnlyList<string> tokens) => Count(tokens, intern: true);

    /// <summary>
    /// Counts a caption's n-grams without growing the corpus: an unseen n-gram gets a fresh id from
    /// <see cref="GramCount"/> upward, local to this call. Not thread-safe (shares the per-caption scratch).
    /// </summary>
    public NGramCounts CountWithoutInterning(IReadOnlyList<string> tokens) => Count(tokens, intern: false);

    private NGramCounts Count(IReadOnlyList<string> tokens, bool intern)
    {
        _caption++;
        int length = tokens.Count;
        var previous = new int[length]; // ids of the (n−1)-grams starting at each position
        var current = new int[length];
        var grams = new List<int>(length * NGramCounts.MaxOrder);
        var counts = new List<int>(length * NGramCounts.MaxOrder);
        var orderStart = new int[NGramCounts.MaxOrder + 1];
        var words = new int[length];   // without interning, −1 for a word the corpus never saw
        for (int i = 0; i < length; i++)
            words[i] = previous[i] = intern ? Word(tokens[i]) : _words.GetValueOrDefault(tokens[i], -1);
        var unseen = intern ? null : new Dictionary<(int Prefix, string Word), int>();
        int nextUnseen = GramCount;

        for (int n = 1; n <= NGramCounts.MaxOrder; n++)
        {
            orderStart[n - 1] = grams.Count;
            for (int i = 0; i + n <= length; i++)
            {
                int gram = unseen is null
                    ? n == 1 ? Gram(NoPrefix, (uint)previous[i]) : Gram((uint)previous[i], (uint)words[i + n - 1])
                    : KnownOrUnseenGram(n, previous[i], words[i + n - 1], tokens[i + n - 1], unseen, ref nextUnseen);
                current[i] = gram;
                EnsureCapacity(gram);
                if (_stamp[gram] == _caption)
                {
                    counts[_slot[gram]]++;
                }
                else
                {
                    _stamp[gram] = _caption;
                    _slot[gram] = grams.Count;
                    grams.Add(gram);
                    counts.Add(1);
                }
            }
            (previous, current) = (current, previous);
        }
        orderStart[NGramCounts.MaxOrder] = grams.Count;
        return new NGramCounts(length, [.. grams], [.. counts], orderStart);
    }

    /// <summary>
    /// The id of the n-gram (prefix (n−1)-gram, last word) if the corpus has it; otherwise a local id for this caption,
    /// keyed by its prefix's id (known or local) and its last word.
    /// </summary>
    private int KnownOrUnseenGram(int n, int prefix, int word, string lastToken, Dictionary<(int Prefix, string Word), int> unseen, ref int nextUnseen)
    {
        if (word >= 0 && (n == 1 || prefix < GramCount)
            && _grams.TryGetValue(((ulong)(n == 1 ? NoPrefix : (uint)prefix) << 32) | (uint)word, out int known))
            return known;
        var key = (n == 1 ? -1 : prefix, lastToken);
        if (!unseen.TryGetValue(key, out int id)) unseen[key] = id = nextUnseen++;
        return id;
    }

    private int Word(string token)
    {
        ref int id = ref CollectionsMarshal.GetValueRefOrAddDefault(_words, token, out bool exists);
        if (!exists)
            id = _words.Count - 1;
        return id;
    }

    private int Gram(uint prefix, uint word)
    {
        ref int id = ref CollectionsMarshal.GetValueRefOrAddDefault(_grams, ((ulong)prefix << 32) | word, out bool exists);
        if (!exists)
            id = _grams.Count - 1;
        return id;
    }

    private void EnsureCapacity(int gram)
    {
        if (gram < _slot.Length)
            return;
        int size = Math.Max(gram + 1, _slot.Length * 2);
        Array.Resize(ref _slot, size);
        Array.Resize(ref _stamp, size);
    }

    /// <summary>ulong's own hash XORs its halves, so (prefix, word) pairs would collide constantly; mix instead.</summary>
    private sealed class PairComparer : IEqualityComparer<ulong>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals(ulong x, ulong y) => x == y;

        public int GetHashCode(ulong key)
        {
            ulong mixed = key * 0x9E3779B97F4A7C15UL;
            return (int)(mixed >> 32);
        }
    }
}
