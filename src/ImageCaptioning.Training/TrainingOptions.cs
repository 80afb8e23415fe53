namespace ImageCaptioning.Training;

/// <summary>Hyper-parameters of a cross-entropy (teacher-forced) run (saved in the run folder and the model's training record).</summary>
public sealed record TrainingOptions : TrainingRunOptions
{
    public TrainingOptions()
    {
        Epochs = 12; LearningRate = 4e-4f; WarmupSteps = 300; CoverageLambda = 1f; CheckpointEverySteps = 200; Patience = 3;
    }

    /// <summary>Captions per optimiser step.</summary>
    public int BatchSize { get; init; } = 64;
    public float LabelSmoothing { get; init; } = 0.1f;
    /// <summary>Dropout on the projected image features (0 = off; the deep output's rate is in the model config).</summary>
    public float FeatureDropout { get; init; }
    /// <summary>Dropout on the word embeddings (0 = off).</summary>
    public float EmbeddingDropout { get; init; }
    /// <summary>File name of the mirrored-image feature cache used for augmentation (recorded for the model card; null = none).</summary>
    public string? MirroredFeatures { get; init; }
    /// <summary>Training captions longer than this many words are left out (a handful of run-on captions).</summary>
    public int MaxCaptionWords { get; init; } = 30;

    public override void Validate()
    {
        base.Validate();
        if (BatchSize < 1) throw new ArgumentException($"the batch needs at least 1 caption, got {BatchSize}");
    }
}
