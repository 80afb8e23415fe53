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
/// Options: <see cref="DecodingOptions.ConsensusLengthExponent"/> α replaces the division by tokens with tokensᵅ, and
/// <see cref="ConsensusWeighting.DocumentFrequency"/> gives sim CIDEr-D's real TF-IDF weights from the training
/// references' document frequencies (<see cref="ConsensusDocumentFrequencies"/>).
/// </summary>
public static class ConsensusReranker
{
    public static IReadOnlyList<GeneratedCaption> Rerank(IReadOnlyList<GeneratedCaption> nBest, float logProbabilityWeight) =>
        Rerank(nBest, logProbabilityWeight, lengthExponent: 1f, frequencies: null);

    /// <summary>
    /// Re-ranks with the options' λ, α and weighting; <paramref name="frequencies"/> must be given for
    /// <see cref="ConsensusWeighting.DocumentFrequency"/> (the caller, <see cref="CaptionGenerator"/>, checks that).
    /// </summary>
    public static IReadOnlyList<GeneratedCaption> Rerank(IReadOnlyList<GeneratedCaption> nBest, DecodingOptions options,
        ConsensusDocumentFrequencies? frequencies) =>
        Rerank(nBest, options.ConsensusLogProbabilityWeight, options.ConsensusLengthExponent,
            options.ConsensusWeighting == ConsensusWeighting.DocumentFrequency
                ? frequencies ?? throw new ArgumentNullException(nameof(frequencies), "document-frequency weighting needs the frequencies")
                : null);

    private static IReadOnlyList<GeneratedCaption> Rerank(IReadOnlyList<GeneratedCaption> nBest, float logProbabilityWeight,
        float lengthExponent, ConsensusDocumentFrequencies? frequencies)
    {
        var finished = nBest.Where(c => c.Finished).ToList();
        if (finished.Count < 2) return nBest;
        var consensus = new CandidateCiderD(finished.Select(c => c.Words).ToArray(), frequencies);
        var scores = new double[finished.Count];
        for (int i = 0; i < finished.Count; i++)
        {
            double agreement = 0;
            for (int j = 0; j < finished.Count; j++)
                if (j != i) agreement += consensus.Similarity(i, j);
            agreement /= finished.Count - 1;
            int tokens = finished[i].Words.Count + 1;
            double normaliser = lengthExponent == 1f ? tokens : Math.Pow(tokens, lengthExponent); // α = 1: today's arithmetic exactly
            scores[i] = agreement + logProbabilityWeight * finished[i].LogProbability / normaliser;
        }
        var order = Enumerable.Range(0, finished.Count).OrderByDescending(i => scores[i]).ThenBy(i => i);
        return [.. order.Select(i => finished[i]), .. nBest.Where(c => !c.Finished)];
    }

    /// <summary>CIDEr-D's similarity of caption <paramref name="h"/> to caption <paramref name="r"/> with uniform n-gram weights.</summary>
    internal static double Similarity(IReadOnlyList<string> h, IReadOnlyList<string> r, ConsensusDocumentFrequencies? frequencies = null) =>
        new CandidateCiderD([h, r], frequencies).Similarity(0, 1);

    /// <summary>
    /// A few captions counted once, compared pairwise with <see cref="CiderD"/>'s own arithmetic (its clipped cosine and
    /// Gaussian length penalty, ×10). Without frequencies their TF-IDF vectors are built with no document frequencies and
    /// log N = 1, so every n-gram weighs its count; with them, with the training set's log df and log N.
    /// </summary>
    private sealed class CandidateCiderD
    {
        private readonly CiderD.TfIdfVector[] _vectors;
        private readonly CiderD.ReferenceWeights _weights;
        private readonly double[] _similarity = new double[NGramCounts.MaxOrder];

        public CandidateCiderD(IReadOnlyList<string>[] captions, ConsensusDocumentFrequencies? frequencies)
        {
            var interner = new NGramInterner();
            var counts = Array.ConvertAll(captions, interner.Count);
            double[] logDocumentFrequency = frequencies is null ? [] : LogFrequencies(captions, counts, interner.GramCount, frequencies);
            double logImages = frequencies?.LogImages ?? 1.0;
            _vectors = Array.ConvertAll(counts, c => CiderD.TfIdfVector.Of(c, logDocumentFrequency, logImages));
            _weights = new CiderD.ReferenceWeights(interner.GramCount);
        }

        /// <summary>
        /// log df per interned n-gram id. The interner numbers a caption's distinct n-grams of order n in order of first
        /// occurrence (<see cref="NGramCounts.Grams"/>[OrderStart[n−1] ..]), so walking the words the same way pairs ids and text.
        /// </summary>
        private static double[] LogFrequencies(IReadOnlyList<string>[] captions, NGramCounts[] counts, int gramCount,
            ConsensusDocumentFrequencies frequencies)
        {
            var logFrequency = new double[gramCount];
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int c = 0; c < captions.Length; c++)
            {
                var words = captions[c];
                for (int n = 1; n <= NGramCounts.MaxOrder; n++)
                {
                    seen.Clear();
                    int k = counts[c].OrderStart[n - 1];
                    for (int i = 0; i + n <= words.Count; i++)
                    {
                        string gram = n == 1 ? words[i] : string.Join(' ', Enumerable.Range(i, n).Select(j => words[j]));
                        if (seen.Add(gram)) logFrequency[counts[c].Grams[k++]] = frequencies.LogFrequency(gram);
                    }
                }
            }
            return logFrequency;
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
