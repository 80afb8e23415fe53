namespace ImageCaptioning.Training;

/// <summary>Hyper-parameters of self-critical fine-tuning (saved in the run folder and the model's training record).</summary>
public sealed record SelfCriticalOptions : TrainingRunOptions
{
    public SelfCriticalOptions()
    {
        Epochs = 8; LearningRate = 2e-5f; WarmupSteps = 20; CoverageLambda = 0f; CheckpointEverySteps = 50; Patience = 4;
    }

    /// <summary>Training images per optimiser step.</summary>
    public int ImagesPerBatch { get; init; } = 32;
    /// <summary>Captions sampled per image; each one's baseline is the mean reward of the others (needs ≥ 2).</summary>
    public int SamplesPerImage { get; init; } = 5;
    /// <summary>Most tokens sampled per caption (&lt;end&gt; included); 16 covers 99% of Flickr8k references.</summary>
    public int MaxLength { get; init; } = 16;
    /// <summary>Sampling temperature (1 = the model's own distribution, the on-policy choice).</summary>
    public float Temperature { get; init; } = 1f;
    /// <summary>Dropout on the deep output while computing the weighted log-probabilities (0 = on-policy).</summary>
    public float Dropout { get; init; }

    public override void Validate()
    {
        base.Validate();
        if (SamplesPerImage < 2) throw new ArgumentException("self-critical training needs at least 2 samples per image (the baseline is the others' mean)");
        if (ImagesPerBatch < 1 || MaxLength < 2) throw new ArgumentException("images per batch and max length must be positive");
    }
}
