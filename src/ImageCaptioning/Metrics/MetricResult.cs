namespace ImageCaptioning.Metrics;

/// <summary>A metric over a set of images: the corpus score and each image's own score (same order as the input).</summary>
/// <param name="Corpus">The reported number (for ROUGE-L and CIDEr-D the mean of <paramref name="PerImage"/>).</param>
/// <param name="PerImage">One score per input image, for finding the best and worst captions.</param>
public sealed record MetricResult(double Corpus, IReadOnlyList<double> PerImage);
