using ImageCaptioning.Metrics;

namespace ImageCaptioning.Decoding;

/// <summary>
/// Re-ranks a beam's n-best list by consensus (minimum-Bayes-risk decoding): a caption that shares many n-grams with
/// the other likely captions of the same image is more likely to be what its references say than the single most
/// probable one, which beam search biases towards short, generic sentences. Each finished hypothesis h gets
///   score(h) = mean over the other hypotheses g of sim(h, g)  +  λ · log p(h) / (tokens of h)
/// where sim is CIDEr-D's sentence similarity with every n-gram weighted equally (n = 1..4, clipped counts, cosine,
/// Gaussian length penalty σ = 6, ×10) — the metric's shape without document frequencies, so it needs no data beside
/// the model — and the second term is the length-normalised log-probability. λ and the beam were chosen on the dev
/// split (MODEL_CARD.md). Unfinished hypotheses keep their place after the finished ones.
/// </summary>
public static class ConsensusReranker
{
    public static IReadOnlyList<GeneratedCaption> Rerank(IReadOnlyList<GeneratedCaption> nBest, float logProbabilityWeight)
    {
        var finished = nBest.Where(c => c.Finished).ToList();
        if (finished.Count < 2) return nBest;
        var consensus = new UniformCiderD(finished.Select(c => c.Words).ToArray());
        var scores = new double[finished.Count];
        for (int i = 0; i < finished.Count; i++)
        {
            double agreement = 0;
            for (int j = 0; j < finished.Count; j++)
                if (j != i) agreement += consensus.Similarity(i, j);
            agreement /= finished.Count - 1;
            scores[i] = agreement + logProbabilityWeight * finished[i].LogProbability / (finished[i].Words.Count + 1);
        }
        var order = Enumerable.Range(0, finished.Count).OrderByDescending(i => scores[i]).ThenBy(i => i);
        return [.. order.Select(i => finished[i]), .. nBest.Where(c => !c.Finished)];
    }

    /// <summary>CIDEr-D's similarity of caption <paramref name="h"/> to caption <paramref name="r"/> with uniform n-gram weights.</summary>
    internal static double Similarity(IReadOnlyList<string> h, IReadOnlyList<string> r) => new UniformCiderD([h, r]).Similarity(0, 1);

    /// <summary>
    /// A few captions counted once, compared pairwise with <see cref="CiderD"/>'s own arithmetic (its clipped cosine and
    /// Gaussian length penalty, ×10): their TF-IDF vectors are built without document frequencies and with log N = 1,
    /// so every n-gram weighs its count.
    /// </summary>
    private sealed class UniformCiderD
    {
        private readonly CiderD.TfIdfVector[] _vectors;
        private readonly CiderD.ReferenceWeights _weights;
        private readonly double[] _similarity = new double[NGramCounts.MaxOrder];

        public UniformCiderD(IReadOnlyList<string>[] captions)
        {
            var interner = new NGramInterner();
            var counts = Array.ConvertAll(captions, interner.Count);
            _vectors = Array.ConvertAll(counts, c => CiderD.TfIdfVector.Of(c, logDocumentFrequency: [], logImages: 1.0));
            _weights = new CiderD.ReferenceWeights(interner.GramCount);
        }

        public double Similarity(int h, int r)
        {
            _weights.Load(_vectors[r]);
            Array.Clear(_similarity);
            CiderD.AddSimilarity(_vectors[h], _vectors[r], _weights, _similarity);
            return _similarity.Sum() / NGramCounts.MaxOrder * 10.0;
        }
    }
}
