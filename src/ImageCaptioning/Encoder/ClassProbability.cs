namespace ImageCaptioning.Encoder;

/// <summary>One ImageNet class and its softmax probability (a record rather than a tuple so it serialises to JSON by name).</summary>
public sealed record ClassProbability(string Label, float Probability);
