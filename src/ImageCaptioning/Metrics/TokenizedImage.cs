namespace ImageCaptioning.Metrics;

/// <summary>One image as the scorers see it: tokenised hypothesis and references (an empty list is an empty caption).</summary>
/// <param name="ImageId">The image's name (e.g. <c>1000268201_693b08cb0e.jpg</c>), for per-image results.</param>
/// <param name="Hypothesis">Tokens of the generated caption.</param>
/// <param name="References">Tokens of each reference caption; at least one.</param>
public sealed record TokenizedImage(string ImageId, IReadOnlyList<string> Hypothesis, IReadOnlyList<IReadOnlyList<string>> References);
