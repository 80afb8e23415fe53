namespace ImageCaptioning.Decoder;

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
    private const int MaxOrder = 4;
    private const double Sigma = 6.0;

    public static IReadOnlyList<GeneratedCaption> Rerank(IReadOnlyList<GeneratedCaption> nBest, float logProbabilityWeight)
    {
        var finished = nBest.Where(c => c.Finished).ToList();
        if (finished.Count < 2) return nBest;
        var vectors = finished.Select(c => NGramVector.Of(c.Words)).ToArray();
        var scores = new double[finished.Count];
        for (int i = 0; i < finished.Count; i++)
        {
            double consensus = 0;
            for (int j = 0; j < finished.Count; j++)
                if (j != i) consensus += Similarity(vectors[i], vectors[j]);
            consensus /= finished.Count - 1;
            scores[i] = consensus + logProbabilityWeight * finished[i].LogProbability / (finished[i].Words.Count + 1);
        }
        var order = Enumerable.Range(0, finished.Count).OrderByDescending(i => scores[i]).ThenBy(i => i);
        return [.. order.Select(i => finished[i]), .. nBest.Where(c => !c.Finished)];
    }

    /// <summary>CIDEr-D's similarity of two captions with uniform n-gram weights (×10, like the metric).</summary>
    internal static double Similarity(NGramVector h, NGramVector r)
    {
        double delta = h.Bigrams - r.Bigrams;
        double penalty = Math.Exp(-(delta * delta) / (2 * Sigma * Sigma));
        double total = 0;
        for (int n = 0; n < MaxOrder; n++)
        {
            if (h.Norms[n] == 0 || r.Norms[n] == 0) continue;
            double dot = 0;
            foreach (var (gram, count) in h.Counts[n])
                if (r.Counts[n].TryGetValue(gram, out int other)) dot += Math.Min(count, other) * other;   // clipped, as CIDEr-D
            total += dot / (h.Norms[n] * r.Norms[n]) * penalty;
        }
        return total / MaxOrder * 10.0;
    }

    /// <summary>A caption's n-gram counts per order (n-grams joined by spaces), their norms and its bigram count.</summary>
    internal sealed record NGramVector(Dictionary<string, int>[] Counts, double[] Norms, int Bigrams)
    {
        public static NGramVector Of(IReadOnlyList<string> words)
        {
            var counts = new Dictionary<string, int>[MaxOrder];
            var norms = new double[MaxOrder];
            for (int n = 1; n <= MaxOrder; n++)
            {
                var c = counts[n - 1] = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int i = 0; i + n <= words.Count; i++)
                {
                    string gram = string.Join(' ', words.Skip(i).Take(n));
                    c[gram] = c.GetValueOrDefault(gram) + 1;
                }
                norms[n - 1] = Math.Sqrt(c.Values.Sum(v => (double)v * v));
            }
            return new NGramVector(counts, norms, Math.Max(0, words.Count - 1));
        }
    }
}
