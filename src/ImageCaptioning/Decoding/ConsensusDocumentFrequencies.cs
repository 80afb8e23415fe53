using ImageCaptioning.Data;
using ImageCaptioning.Metrics;

namespace ImageCaptioning.Decoding;

/// <summary>
/// CIDEr-D's document frequencies of a training set (df of an n-gram, n = 1..4, = how many images' reference sets contain
/// it), for the consensus re-ranker's <see cref="ConsensusWeighting.DocumentFrequency"/> weighting. Derived statistics of
/// the references, stored in a model folder as <see cref="FileName"/> (like vocab.json; read and written by
/// <c>ModelFolder.DecodingFiles</c>, with the folder's decoding.json). Only n-grams with df ≥ 2 made of
/// vocabulary words are kept: the decoder writes nothing else, and CIDEr-D's log(max(1, df)) is 0 for df ≤ 1 anyway, so the
/// pruned table gives the same weights as the full one. Immutable, so thread-safe.
/// </summary>
public sealed class ConsensusDocumentFrequencies
{
    public const string FileName = "cider-df.json";

    private readonly Dictionary<string, int> _frequency;

    public ConsensusDocumentFrequencies(int images, IReadOnlyDictionary<string, int> frequencies, string source)
    {
        ArgumentNullException.ThrowIfNull(frequencies);
        if (images < 2) throw new ArgumentOutOfRangeException(nameof(images), images, "document frequencies need at least two images");
        foreach (var (gram, df) in frequencies)
        {
            int order = gram.Split(' ').Length;
            if (df < 1 || df > images || order > NGramCounts.MaxOrder || gram.Trim().Length != gram.Length || gram.Contains("  ", StringComparison.Ordinal))
                throw new ArgumentException($"n-gram '{gram}' with df {df} is not a 1..4-gram with 1 ≤ df ≤ {images}", nameof(frequencies));
        }
        Images = images;
        Source = source ?? "";
        _frequency = new Dictionary<string, int>(frequencies, StringComparer.Ordinal);
        LogImages = Math.Log(images);
    }

    /// <summary>Images whose references were counted (CIDEr-D's N).</summary>
    public int Images { get; }

    /// <summary>Where the counts came from, e.g. "Flickr8k train references (6000 images)".</summary>
    public string Source { get; }

    /// <summary>log N.</summary>
    public double LogImages { get; }

    /// <summary>N-grams in the table.</summary>
    public int Count => _frequency.Count;

    /// <summary>The table, n-gram (words joined by single spaces) → df.</summary>
    public IReadOnlyDictionary<string, int> Frequencies => _frequency;

    /// <summary>CIDEr-D's log(max(1, df)) of the n-gram whose words are joined by single spaces.</summary>
    public double LogFrequency(string gram) => _frequency.TryGetValue(gram, out int df) ? Math.Log(df) : 0.0;

    /// <summary>
    /// Counts the references of a set of images (each image's reference captions, already tokenised as
    /// <see cref="CaptionTokenizer"/> does), keeping n-grams of <paramref name="vocabulary"/> words with df ≥ 2.
    /// </summary>
    public static ConsensusDocumentFrequencies FromReferences(IEnumerable<IReadOnlyList<IReadOnlyList<string>>> images,
        Vocabulary vocabulary, string source)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(vocabulary);
        var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        var inImage = new HashSet<string>(StringComparer.Ordinal);
        int count = 0;
        foreach (var references in images)
        {
            count++;
            inImage.Clear();
            foreach (var words in references)
                foreach (string gram in NGrams(words))
                    inImage.Add(gram);
            foreach (string gram in inImage)
                frequency[gram] = frequency.GetValueOrDefault(gram) + 1;
        }
        var kept = frequency.Where(kv => kv.Value >= 2 && kv.Key.Split(' ').All(vocabulary.Contains))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return new ConsensusDocumentFrequencies(count, kept, source);
    }

    /// <summary>Every 1..4-gram occurrence of <paramref name="words"/>, order by order, left to right, words joined by spaces.</summary>
    internal static IEnumerable<string> NGrams(IReadOnlyList<string> words)
    {
        for (int n = 1; n <= NGramCounts.MaxOrder; n++)
            for (int i = 0; i + n <= words.Count; i++)
                yield return n == 1 ? words[i] : string.Join(' ', Enumerable.Range(i, n).Select(k => words[k]));
    }
}
