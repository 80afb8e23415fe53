namespace ImageCaptioning.Training;

/// <summary>Hyper-parameters of a training run (saved with every checkpoint and in the model card).</summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 12;
    public int BatchSize { get; init; } = 64;
    public float LearningRate { get; init; } = 4e-4f;
    public int WarmupSteps { get; init; } = 300;
    /// <summary>The cosine schedule ends at this fraction of the base rate.</summary>
    public float MinLearningRateFactor { get; init; } = 0.1f;
    public float ClipNorm { get; init; } = 5f;
    public float WeightDecay { get; init; } = 0f;
    public float LabelSmoothing { get; init; } = 0.1f;
    /// <summary>Dropout on the projected image features (0 = off; the deep output's rate is in the model config).</summary>
    public float FeatureDropout { get; init; }
    /// <summary>Dropout on the word embeddings (0 = off).</summary>
    public float EmbeddingDropout { get; init; }
    /// <summary>File name of the mirrored-image feature cache used for augmentation (recorded for the model card; null = none).</summary>
    public string? MirroredFeatures { get; init; }
    /// <summary>λ of the doubly-stochastic attention regulariser.</summary>
    public float CoverageLambda { get; init; } = 1f;
    /// <summary>Training captions longer than this many words are left out (a handful of run-on captions).</summary>
    public int MaxCaptionWords { get; init; } = 30;
    public int Seed { get; init; } = 42;
    public int CheckpointEverySteps { get; init; } = 200;
    /// <summary>Stop after this many epochs without a better dev BLEU-4.</summary>
    public int Patience { get; init; } = 3;
    /// <summary>Stop (after checkpointing) once this much wall-clock time has passed; null = no limit.</summary>
    public double? MaxMinutes { get; init; }
    /// <summary>Stop after this many optimiser steps in total; null = no limit (tests use it).</summary>
    public long? MaxSteps { get; init; }
    /// <summary>Use only the first N training images (quick runs, tests); null = all.</summary>
    public int? TrainImageLimit { get; init; }
}
