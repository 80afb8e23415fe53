namespace ImageCaptioning.Training.Optimization;

/// <summary>Linear warm-up to the base rate, then cosine decay to <c>MinFactor</c>·base at <c>TotalSteps</c>.</summary>
public sealed record LearningRateSchedule(float BaseRate, int WarmupSteps, long TotalSteps, float MinFactor = 0.1f)
{
    public float At(long step)
    {
        if (step < WarmupSteps) return BaseRate * (step + 1) / WarmupSteps;
        double progress = Math.Clamp((double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps), 0, 1);
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * progress));
        return (float)(BaseRate * (MinFactor + (1 - MinFactor) * cosine));
    }
}
