namespace ImageCaptioning.Training;

/// <summary>A step of a <see cref="TrainingRun"/> (figures) or an event of it (<paramref name="Message"/>: resume, epoch end, dev scores).</summary>
/// <param name="Loss">The objective's summary figure of the step (cross-entropy, mean reward).</param>
public sealed record TrainingProgress(int Epoch, int Epochs, int BatchInEpoch, int BatchesPerEpoch, long Step,
    double Loss, double TokensPerSecond, float LearningRate, string? Message = null);
