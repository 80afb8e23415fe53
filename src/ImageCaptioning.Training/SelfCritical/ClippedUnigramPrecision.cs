namespace ImageCaptioning.Training.SelfCritical;

/// <summary>
/// A caption's clipped unigram precision against its image's references, as BLEU-1 counts it for one sentence:
///   Σ_w min(count of w in the caption, most times any one reference uses w) / words in the caption
/// (no brevity penalty; an empty caption scores 0). The per-image maxima are counted once, up front.
/// </summary>
public sealed class ClippedUnigramPrecision
{
    private readonly Dictionary<string, Dictionary<string, int>> _maxCounts;

    /// <param name="references">Image → its references, already tokenised.</param>
    public ClippedUnigramPrecision(IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<string>>> references)
    {
        _maxCounts = new Dictionary<string, Dictionary<string, int>>(references.Count, StringComparer.Ordinal);
        foreach (var (image, captions) in references)
        {
            var max = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var caption in captions)
                foreach (var (word, count) in caption.CountBy(w => w, StringComparer.Ordinal))
                    max[word] = Math.Max(count, max.GetValueOrDefault(word));
            _maxCounts[image] = max;
        }
    }

    public double Score(string imageId, IReadOnlyList<string> words)
    {
        if (!_maxCounts.TryGetValue(imageId, out var max)) throw new KeyNotFoundException($"no references for image '{imageId}'");
        if (words.Count == 0) return 0;
        int matched = words.CountBy(w => w, StringComparer.Ordinal).Sum(p => Math.Min(p.Value, max.GetValueOrDefault(p.Key)));
        return (double)matched / words.Count;
    }
}
