namespace ImageCaptioning.Metrics;

/// <summary>
/// CIDEr-D of single captions against a fixed reference corpus: the reward of self-critical training (Rennie et al. 2017).
/// Document frequencies come from the whole corpus given (the training split, like the SCST code's cached "train" df);
/// the arithmetic is <see cref="CiderD"/>'s, so on the evaluated images it gives CiderD's per-image values.
/// Scoring interns nothing, so the object does not grow. Not thread-safe.
/// </summary>
public sealed class CiderDReward
{
    private readonly NGramInterner _interner;
    private readonly double[] _logDocumentFrequency;
    private readonly double _logImages;
    private readonly Dictionary<string, CiderD.TfIdfVector[]> _references;
    private readonly CiderD.ReferenceWeights _weights;
    private readonly double[] _similarity = new double[NGramCounts.MaxOrder];

    /// <param name="references">Image id → its tokenised reference captions (PTB tokens, as the evaluation uses).</param>
    public CiderDReward(IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<string>>> references)
    {
        ArgumentNullException.ThrowIfNull(references);
        var images = references.Select(kv => new TokenizedImage(kv.Key, [], kv.Value)).ToArray();
        var interner = new NGramInterner();
        var corpus = CountedCorpus.Build(images, interner);
        _interner = interner;
        _logDocumentFrequency = CiderD.LogDocumentFrequencies(corpus);
        _logImages = Math.Log(corpus.Count);
        _references = new Dictionary<string, CiderD.TfIdfVector[]>(corpus.Count, StringComparer.Ordinal);
        for (int i = 0; i < corpus.Count; i++)
            _references[images[i].ImageId] = Array.ConvertAll(corpus.References[i],
                r => CiderD.TfIdfVector.Of(r, _logDocumentFrequency, _logImages));
        _weights = new CiderD.ReferenceWeights(corpus.GramCount);
    }

    /// <summary>Images with references.</summary>
    public int Count => _references.Count;

    /// <summary>CIDEr-D (×10, as reported) of <paramref name="hypothesis"/> tokens as a caption of <paramref name="imageId"/>.</summary>
    public double Score(string imageId, IReadOnlyList<string> hypothesis)
    {
        if (!_references.TryGetValue(imageId, out var references))
            throw new CaptionEvaluationException($"Image '{imageId}' has no reference captions to compare with.");
        var vector = CiderD.TfIdfVector.Of(_interner.CountWithoutInterning(hypothesis), _logDocumentFrequency, _logImages);
        Array.Clear(_similarity);
        foreach (var reference in references)
        {
            _weights.Load(reference);
            CiderD.AddSimilarity(vector, reference, _weights, _similarity);
        }
        double mean = (_similarity[0] + _similarity[1] + _similarity[2] + _similarity[3]) / NGramCounts.MaxOrder;
        return mean / references.Length * 10.0;
    }
}
