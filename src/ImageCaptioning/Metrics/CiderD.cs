namespace ImageCaptioning.Metrics;

/// <summary>
/// CIDEr-D as coco-caption's <c>cider/cider_scorer.py</c> computes it: TF-IDF vectors of 1..4-grams (df = number of
/// images whose references contain the n-gram), clipped cosine with each reference times the length penalty
/// exp(−δ²/(2σ²)), mean over n and references, ×10; the corpus score is the mean over images.
/// Reference quirks kept: δ counts bigrams, a zero-norm vector leaves that n's similarity at 0 (pycocoevalcap's guard),
/// and a single image scores 0 (every weight is log 1 − log 1).
/// </summary>
public static class CiderD
{
    public const double Sigma = 6.0;

    /// <summary>Scores tokenised images.</summary>
    public static MetricResult Score(IReadOnlyList<TokenizedImage> images) => Score(CountedCorpus.Build(images));

    internal static MetricResult Score(CountedCorpus corpus)
    {
        double[] logDocumentFrequency = LogDocumentFrequencies(corpus);
        double logImages = Math.Log(corpus.Count);
        var perImage = new double[corpus.Count];
        var similarity = new double[NGramCounts.MaxOrder];
        var referenceWeights = new ReferenceWeights(corpus.GramCount);
        for (int i = 0; i < corpus.Count; i++)
        {
            var hypothesis = TfIdfVector.Of(corpus.Hypotheses[i], logDocumentFrequency, logImages);
            Array.Clear(similarity);
            foreach (var referenceCounts in corpus.References[i])
            {
                var reference = TfIdfVector.Of(referenceCounts, logDocumentFrequency, logImages);
                referenceWeights.Load(reference);
                AddSimilarity(hypothesis, reference, referenceWeights, similarity);
            }
            // numpy: np.mean(score) adds the four orders left to right, then / 4.
            double mean = (similarity[0] + similarity[1] + similarity[2] + similarity[3]) / NGramCounts.MaxOrder;
            mean /= corpus.References[i].Length;
            perImage[i] = mean * 10.0;
        }
        return new MetricResult(RougeL.Mean(perImage), perImage);
    }

    /// <summary>
    /// Per n-gram id: log(max(1, df)) where df = in how many images' reference sets it appears (an image counts
    /// once however many of its references have it). An n-gram in no reference gets log(max(1, 0)) = 0.
    /// </summary>
    internal static double[] LogDocumentFrequencies(CountedCorpus corpus)
    {
        var frequency = new int[corpus.GramCount];
        var lastImage = new int[corpus.GramCount];
        for (int i = 0; i < corpus.Count; i++)
        {
            foreach (var reference in corpus.References[i])
            {
                foreach (int gram in reference.Grams)
                {
                    if (lastImage[gram] == i + 1)
                        continue;
                    lastImage[gram] = i + 1;
                    frequency[gram]++;
                }
            }
        }
        var logFrequency = new double[corpus.GramCount];
        for (int g = 0; g < logFrequency.Length; g++)
            logFrequency[g] = Math.Log(Math.Max(1.0, frequency[g]));
        return logFrequency;
    }

    /// <summary>Adds the clipped, length-penalised cosine per order of one reference into <paramref name="similarity"/>[n-1].</summary>
    internal static void AddSimilarity(TfIdfVector hypothesis, TfIdfVector reference, ReferenceWeights referenceWeights, double[] similarity)
    {
        double delta = hypothesis.Length - reference.Length;
        double penalty = Math.Pow(Math.E, -(delta * delta) / (2 * Sigma * Sigma)); // np.e ** x, as in the reference
        var counts = hypothesis.Counts;
        for (int n = 1; n <= NGramCounts.MaxOrder; n++)
        {
            double value = 0.0;
            for (int k = counts.OrderStart[n - 1]; k < counts.OrderStart[n]; k++)
            {
                double referenceWeight = referenceWeights.Of(counts.Grams[k]);
                // vrama91's clipping: a hypothesis cannot gain by repeating an n-gram more often than the reference.
                value += Math.Min(hypothesis.Weights[k], referenceWeight) * referenceWeight;
            }
            if (hypothesis.Norms[n - 1] != 0 && reference.Norms[n - 1] != 0)
                value /= hypothesis.Norms[n - 1] * reference.Norms[n - 1];
            similarity[n - 1] += value * penalty;
        }
    }

    /// <summary>One reference's weights scattered into an array indexed by n-gram id (0 for n-grams it lacks).</summary>
    internal sealed class ReferenceWeights(int gramCount)
    {
        private readonly double[] _weight = new double[gramCount];
        private readonly int[] _stamp = new int[gramCount];
        private int _current;

        public void Load(TfIdfVector reference)
        {
            _current++;
            for (int k = 0; k < reference.Counts.Grams.Length; k++)
            {
                _weight[reference.Counts.Grams[k]] = reference.Weights[k];
                _stamp[reference.Counts.Grams[k]] = _current;
            }
        }

        /// <summary>The loaded reference's weight of <paramref name="gram"/>; ids past the corpus (unseen n-grams) are 0.</summary>
        public double Of(int gram) => gram < _stamp.Length && _stamp[gram] == _current ? _weight[gram] : 0.0;
    }

    /// <summary>A caption's TF-IDF weights (aligned with its <see cref="NGramCounts.Grams"/>), per-order norms and bigram count.</summary>
    internal sealed class TfIdfVector
    {
        private TfIdfVector(NGramCounts counts, double[] weights, double[] norms, int length)
        {
            Counts = counts;
            Weights = weights;
            Norms = norms;
            Length = length;
        }

        public NGramCounts Counts { get; }
        public double[] Weights { get; }
        public double[] Norms { get; }

        /// <summary>The caption's "length" in the penalty: its number of bigrams (counts2vec adds term frequencies where n == 1, 0-based).</summary>
        public int Length { get; }

        public static TfIdfVector Of(NGramCounts counts, double[] logDocumentFrequency, double logImages)
        {
            var weights = new double[counts.Grams.Length];
            var squares = new double[NGramCounts.MaxOrder];
            int length = 0;
            for (int n = 1; n <= NGramCounts.MaxOrder; n++)
            {
                for (int k = counts.OrderStart[n - 1]; k < counts.OrderStart[n]; k++)
                {
                    int gram = counts.Grams[k];   // ids past the table are n-grams no reference has: df = 0, log(max(1, 0)) = 0
                    weights[k] = counts.Counts[k] * (logImages - (gram < logDocumentFrequency.Length ? logDocumentFrequency[gram] : 0.0));
                    squares[n - 1] += weights[k] * weights[k];
                    if (n == 2)
                        length += counts.Counts[k];
                }
            }
            var norms = new double[NGramCounts.MaxOrder];
            for (int n = 0; n < norms.Length; n++)
                norms[n] = Math.Sqrt(squares[n]);
            return new TfIdfVector(counts, weights, norms, length);
        }
    }
}
