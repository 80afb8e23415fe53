namespace ImageCaptioning.Metrics;

/// <summary>
/// ROUGE-L as coco-caption's <c>rouge/rouge.py</c> computes it: per image, the best LCS precision and the best LCS recall
/// over the references give F = (1 + β²)·P·R / (R + β²·P), β = 1.2; the corpus score is the mean over images.
/// </summary>
public static class RougeL
{
    public const double Beta = 1.2;

    // Python splits the tokenised caption with split(" "): an empty caption is one empty token, not none.
    private static readonly string[] EmptyCaption = [""];

    /// <summary>Scores tokenised images.</summary>
    public static MetricResult Score(IReadOnlyList<TokenizedImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
            throw new CaptionEvaluationException("There are no captions to score.");
        var perImage = new double[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            if (images[i].References.Count == 0)
                throw new CaptionEvaluationException($"Image '{images[i].ImageId}' has no reference captions to compare with.");
            perImage[i] = ScoreImage(images[i].Hypothesis, images[i].References);
        }
        return new MetricResult(Mean(perImage), perImage);
    }

    /// <summary>ROUGE-L of one hypothesis against its references (at least one).</summary>
    public static double ScoreImage(IReadOnlyList<string> hypothesis, IReadOnlyList<IReadOnlyList<string>> references)
    {
        if (references.Count == 0)
            throw new ArgumentException("At least one reference is needed.", nameof(references));
        IReadOnlyList<string> candidate = hypothesis.Count == 0 ? EmptyCaption : hypothesis;
        double maxPrecision = 0, maxRecall = 0;
        foreach (var raw in references)
        {
            IReadOnlyList<string> reference = raw.Count == 0 ? EmptyCaption : raw;
            int lcs = LongestCommonSubsequence(reference, candidate);
            maxPrecision = Math.Max(maxPrecision, lcs / (double)candidate.Count);
            maxRecall = Math.Max(maxRecall, lcs / (double)reference.Count);
        }
        if (maxPrecision == 0 || maxRecall == 0)
            return 0.0;
        double betaSquared = Beta * Beta;
        return (1 + betaSquared) * maxPrecision * maxRecall / (maxRecall + betaSquared * maxPrecision);
    }

    /// <summary>Length of the longest common subsequence of two token lists (one DP row, O(|a|·|b|)).</summary>
    public static int LongestCommonSubsequence(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        Span<int> row = b.Count <= 256 ? stackalloc int[b.Count + 1] : new int[b.Count + 1];
        row.Clear();
        for (int i = 0; i < a.Count; i++)
        {
            int diagonal = 0; // row[j-1] of the previous row
            for (int j = 1; j <= b.Count; j++)
            {
                int above = row[j];
                row[j] = string.Equals(a[i], b[j - 1], StringComparison.Ordinal) ? diagonal + 1 : Math.Max(above, row[j - 1]);
                diagonal = above;
            }
        }
        return row[b.Count];
    }

    internal static double Mean(IReadOnlyList<double> values)
    {
        double sum = 0;
        foreach (double value in values)
            sum += value;
        return sum / values.Count;
    }
}
