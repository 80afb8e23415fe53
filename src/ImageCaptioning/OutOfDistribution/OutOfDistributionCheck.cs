namespace ImageCaptioning.OutOfDistribution;

/// <summary>
/// Whether a photo looks unlike the photos the model was trained on (see <see cref="FeatureNeighbourDetector"/>).
/// </summary>
/// <param name="Flagged">True when <paramref name="Score"/> exceeds <paramref name="Threshold"/>: the caption is probably unreliable.</param>
/// <param name="Score">Mean cosine distance of the photo's pooled encoder feature to its nearest training photos (higher = stranger).</param>
/// <param name="Threshold">The score above which a photo is flagged, chosen on Flickr8k's dev split.</param>
/// <param name="Reason">Why it was (or was not) flagged, as a clause a message can quote ("its encoder features are far from …").</param>
public sealed record OutOfDistributionCheck(bool Flagged, double Score, double Threshold, string Reason);
