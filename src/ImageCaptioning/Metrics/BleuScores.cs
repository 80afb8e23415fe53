namespace ImageCaptioning.Metrics;

/// <summary>BLEU-1 to BLEU-4 (each the geometric mean of the 1..n-gram precisions times the brevity penalty).</summary>
public sealed record BleuScores(double Bleu1, double Bleu2, double Bleu3, double Bleu4)
{
    /// <summary>BLEU-<paramref name="n"/> for n = 1..4.</summary>
    public double this[int n] => n switch
    {
        1 => Bleu1,
        2 => Bleu2,
        3 => Bleu3,
        4 => Bleu4,
        _ => throw new ArgumentOutOfRangeException(nameof(n), n, "BLEU is reported for n = 1..4."),
    };
}

/// <summary>Corpus BLEU (the reported number) plus the same formula applied to each image alone.</summary>
/// <param name="Corpus">BLEU-1..4 over all images, as coco-caption reports it.</param>
/// <param name="PerImage">
/// Sentence-level BLEU of each image (its own counts and brevity penalty); not coco-caption's per-image list, which
/// leaves out the penalty and lists each image twice.
/// </param>
/// <param name="HypothesisLength">Total hypothesis tokens.</param>
/// <param name="ReferenceLength">Total "closest" reference length used by the brevity penalty.</param>
public sealed record BleuResult(BleuScores Corpus, IReadOnlyList<BleuScores> PerImage, long HypothesisLength, long ReferenceLength)
{
    /// <summary>Hypothesis length over reference length (below 1 means a brevity penalty applies).</summary>
    public double LengthRatio => ReferenceLength == 0 ? 0 : (double)HypothesisLength / ReferenceLength;
}
