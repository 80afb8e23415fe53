namespace ImageCaptioning.Training;

/// <summary>
/// The training loop's settings, shared by every objective. Each objective's options type (<see cref="TrainingOptions"/>,
/// <see cref="SelfCriticalOptions"/>) sets its own defaults in its constructor: the CLI reads them from there.
/// </summary>
public abstract record TrainingRunOptions
{
    public int Epochs { get; init; }
    public float LearningRate { get; init; }
    public int WarmupSteps { get; init; }
    /// <summary>The cosine schedule ends at this fraction of the base rate.</summary>
    public float MinLearningRateFactor { get; init; } = 0.1f;
    public float ClipNorm { get; init; } = 5f;
    /// <summary>Decoupled (AdamW) weight decay on the weight matrices.</summary>
    public float WeightDecay { get; init; }
    /// <summary>λ of the doubly-stochastic attention regulariser.</summary>
    public float CoverageLambda { get; init; }
    public int Seed { get; init; } = 42;
    public int CheckpointEverySteps { get; init; }
    /// <summary>Score the dev split every this many steps (0 = at the end of each epoch only).</summary>
    public int EvaluateEverySteps { get; init; }
    /// <summary>Stop after this many dev evaluations without a better dev BLEU-4.</summary>
    public int Patience { get; init; }
    /// <summary>Stop (after checkpointing) once this much wall-clock time has passed; null = no limit.</summary>
    public double? MaxMinutes { get; init; }
    /// <summary>Stop (after checkpointing) after this many optimiser steps in total; null = no limit.</summary>
    public long? MaxSteps { get; init; }
    /// <summary>Use only the first N training images (quick runs, tests); null = all.</summary>
    public int? TrainImageLimit { get; init; }

    /// <exception cref="ArgumentException">A setting the loop cannot run with.</exception>
    public virtual void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"epochs must be at least 1, got {Epochs}");
        if (CheckpointEverySteps < 1) throw new ArgumentException($"checkpoint interval must be at least 1 step, got {CheckpointEverySteps}");
        if (EvaluateEverySteps < 0) throw new ArgumentException($"the dev evaluation interval cannot be negative, got {EvaluateEverySteps}");
        if (TrainImageLimit is < 1) throw new ArgumentException($"the training image limit must be at least 1, got {TrainImageLimit}");
    }
}
