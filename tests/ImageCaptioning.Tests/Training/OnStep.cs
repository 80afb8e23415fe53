using ImageCaptioning.Training;

namespace ImageCaptioning.Tests.Training;

/// <summary>Reports synchronously, so a training test can act at an exact step.</summary>
internal sealed class OnStep(Action<TrainingProgress> action) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => action(value);
}
