namespace ImageCaptioning.Metrics;

/// <summary>
/// Corpus BLEU as coco-caption's <c>bleu/bleu_scorer.py</c> computes it with <c>option='closest'</c>: clipped n-gram
/// matches summed over images, a brevity penalty from each image's closest reference (a tie goes to the shorter), and
/// BLEU-n the geometric mean of precisions 1..n with the reference's smoothing constants.
/// </summary>
public static class Bleu
{
    public const int MaxOrder = NGramCounts.MaxOrder;

    /// <summary>Added to every match count ("so that if guess is 0 still return 0").</summary>
    public const double Tiny = 1e-15;

    /// <summary>Added to every n-gram total, avoiding a division by zero.</summary>
    public const double Small = 1e-9;

    /// <summary>Scores tokenised images.</summary>
    public static BleuResult Score(IReadOnlyList<TokenizedImage> images) => Score(CountedCorpus.Build(images));

    internal static BleuResult Score(CountedCorpus corpus)
    {
        long totalHypothesis = 0, totalReference = 0;
        var totalGuess = new long[MaxOrder];
        var totalCorrect = new long[MaxOrder];
        var perImage = new BleuScores[corpus.Count];
        var guess = new long[MaxOrder];
        var correct = new long[MaxOrder];
        // Per n-gram: the most any reference of the current image has (valid where stamped with that image).
        var maxReferenceCount = new int[corpus.GramCount];
        var stamp = new int[corpus.GramCount];

        for (int i = 0; i < corpus.Count; i++)
        {
            NGramCounts hypothesis = corpus.Hypotheses[i];
            NGramCounts[] references = corpus.References[i];
            Array.Clear(correct);
            int imageStamp = i + 1;
            foreach (var reference in references)
            {
                for (int k = 0; k < reference.Grams.Length; k++)
                {
                    int gram = reference.Grams[k];
                    if (stamp[gram] != imageStamp)
                    {
                        stamp[gram] = imageStamp;
                        maxReferenceCount[gram] = 0;
                    }
                    maxReferenceCount[gram] = Math.Max(maxReferenceCount[gram], reference.Counts[k]);
                }
            }
            for (int n = 1; n <= MaxOrder; n++)
            {
                // Every position that starts an n-gram is a guess, matched or not.
                guess[n - 1] = Math.Max(0, hypothesis.Length - n + 1);
                for (int k = hypothesis.OrderStart[n - 1]; k < hypothesis.OrderStart[n]; k++)
                {
                    int gram = hypothesis.Grams[k];
                    int inReferences = stamp[gram] == imageStamp ? maxReferenceCount[gram] : 0;
                    correct[n - 1] += Math.Min(hypothesis.Counts[k], inReferences); // clipped match count
                }
            }
            int referenceLength = ClosestReferenceLength(hypothesis.Length, references.Select(r => r.Length));

            totalHypothesis += hypothesis.Length;
            totalReference += referenceLength;
            for (int n = 0; n < MaxOrder; n++)
            {
                totalGuess[n] += guess[n];
                totalCorrect[n] += correct[n];
            }
            perImage[i] = Combine(correct, guess, hypothesis.Length, referenceLength);
        }
        return new BleuResult(Combine(totalCorrect, totalGuess, totalHypothesis, totalReference), perImage, totalHypothesis, totalReference);
    }

    /// <summary>
    /// The reference length closest to the hypothesis length; on a tie the shorter one
    /// (Python's <c>min((abs(l - testlen), l) for l in reflen)[1]</c>).
    /// </summary>
    public static int ClosestReferenceLength(int hypothesisLength, IEnumerable<int> referenceLengths)
    {
        int best = -1, bestDistance = int.MaxValue;
        foreach (int length in referenceLengths)
        {
            int distance = Math.Abs(length - hypothesisLength);
            if (distance < bestDistance || (distance == bestDistance && length < best))
            {
                best = length;
                bestDistance = distance;
            }
        }
        return best >= 0 ? best : throw new ArgumentException("At least one reference length is needed.", nameof(referenceLengths));
    }

    /// <summary>BLEU-1..4 from match and guess totals, in the reference's order of floating-point operations.</summary>
    private static BleuScores Combine(long[] correct, long[] guess, long hypothesisLength, long referenceLength)
    {
        var scores = new double[MaxOrder];
        double ratio = (hypothesisLength + Tiny) / (referenceLength + Small);
        for (int n = 1; n <= MaxOrder; n++)
        {
            double product = 1.0;
            for (int k = 0; k < n; k++)
                product *= (correct[k] + Tiny) / (guess[k] + Small);
            scores[n - 1] = Math.Pow(product, 1.0 / n);
            if (ratio < 1)
                scores[n - 1] *= Math.Exp(1 - 1 / ratio); // brevity penalty
        }
        return new BleuScores(scores[0], scores[1], scores[2], scores[3]);
    }
}
