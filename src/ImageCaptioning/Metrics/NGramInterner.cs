using System.Runtime.InteropServices;

namespace ImageCaptioning.Metrics;

/// <summary>
/// Gives every word and every n-gram (n ≤ 4) of a corpus a dense id, so the scorers can use arrays indexed
/// by n-gram instead of hashing n-grams again and again. An n-gram is identified by (id of its first n − 1
/// words, id of its last word), which chains from unigrams upwards.
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
    public NGramCounts Count(IReadOnlyList<string> tokens)
    {
        _caption++;
        int length = tokens.Count;
        var previous = new int[length]; // ids of the (n−1)-grams starting at each position
        var current = new int[length];
        var grams = new List<int>(length * NGramCounts.MaxOrder);
        var counts = new List<int>(length * NGramCounts.MaxOrder);
        var orderStart = new int[NGramCounts.MaxOrder + 1];
        var words = new int[length];
        for (int i = 0; i < length; i++)
            words[i] = previous[i] = Word(tokens[i]);

        for (int n = 1; n <= NGramCounts.MaxOrder; n++)
        {
            orderStart[n - 1] = grams.Count;
            for (int i = 0; i + n <= length; i++)
            {
                int gram = n == 1 ? Gram(NoPrefix, (uint)previous[i]) : Gram((uint)previous[i], (uint)words[i + n - 1]);
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
    /// Counts the n-grams of a caption against the corpus interned so far without adding to it: an n-gram the corpus
    /// never saw gets a fresh id from <see cref="GramCount"/> upward, local to this call (two unseen n-grams are the
    /// same id only if they are the same words). Lets a frozen corpus score any number of new captions without growing.
    /// Not thread-safe (it shares the per-caption scratch with <see cref="Count"/>).
    /// </summary>
    public NGramCounts CountWithoutInterning(IReadOnlyList<string> tokens)
    {
        var unseen = new Dictionary<(int Prefix, string Word), int>();
        int nextUnseen = GramCount;
        int length = tokens.Count;
        var words = new int[length]; // word ids, −1 for a word the corpus never saw
        for (int i = 0; i < length; i++)
            words[i] = _words.TryGetValue(tokens[i], out int id) ? id : -1;
        var previous = new int[length];
        var current = new int[length];
        var grams = new List<int>(length * NGramCounts.MaxOrder);
        var counts = new List<int>(length * NGramCounts.MaxOrder);
        var orderStart = new int[NGramCounts.MaxOrder + 1];
        var local = new Dictionary<int, int>(); // gram id → slot, for this caption
        for (int n = 1; n <= NGramCounts.MaxOrder; n++)
        {
            orderStart[n - 1] = grams.Count;
            for (int i = 0; i + n <= length; i++)
            {
                int prefix = n == 1 ? -1 : previous[i];
                int word = words[i + n - 1];
                int gram;
                if (word >= 0 && prefix < GramCount
                    && _grams.TryGetValue(((ulong)(n == 1 ? NoPrefix : (uint)prefix) << 32) | (uint)word, out int known))
                    gram = known;
                else
                {   // unseen: identified by (its prefix's id, its last word), prefix ids being known or local
                    var key = (prefix, tokens[i + n - 1]);
                    if (!unseen.TryGetValue(key, out gram)) unseen[key] = gram = nextUnseen++;
                }
                current[i] = gram;
                if (local.TryGetValue(gram, out int slot)) counts[slot]++;
                else
                {
                    local[gram] = grams.Count;
                    grams.Add(gram);
                    counts.Add(1);
                }
            }
            (previous, current) = (current, previous);
        }
        orderStart[NGramCounts.MaxOrder] = grams.Count;
        return new NGramCounts(length, [.. grams], [.. counts], orderStart);
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
