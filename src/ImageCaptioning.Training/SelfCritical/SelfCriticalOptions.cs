namespace ImageCaptioning.Training;

/// <summary>Hyper-parameters of self-critical fine-tuning (saved in the run folder and the model's training record).</summary>
public sealed record SelfCriticalOptions
{
    public int Epochs { get; init; } = 8;
    /// <summary>Training images per optimiser step.</summary>
    public int ImagesPerBatch { get; init; } = 32;
    /// <summary>Captions sampled per image; each one's baseline is the mean reward of the others (needs ≥ 2).</summary>
    public int SamplesPerImage { get; init; } = 5;
    public float LearningRate { get; init; } = 2e-5f;
    public int WarmupSteps { get; init; } = 20;
    /// <summary>The cosine schedule ends at this fraction of the base rate.</summary>
    public float MinLearningRateFactor { get; init; } = 0.1f;
    public float ClipNorm { get; init; } = 5f;
    public float WeightDecay { get; init; }
    /// <summary>Most tokens sampled per caption (&lt;end&gt; included); 16 covers 99% of Flickr8k references.</summary>
    public int MaxLength { get; init; } = 16;
    /// <summary>Sampling temperature (1 = the model's own distribution, the on-policy choice).</summary>
    public float Temperature { get; init; } = 1f;
    /// <summary>Dropout on the deep output while computing the weighted log-probabilities (0 = on-policy).</summary>
    public float Dropout { get; init; }
    /// <summary>λ of the attention-coverage regulariser, kept so the attention maps stay spread over the caption.</summary>
    public float CoverageLambda { get; init; }
    /// <summary>Score the dev split every this many steps (0 = at the end of each epoch only).</summary>
    public int EvaluateEverySteps { get; init; }
    public int Seed { get; init; } = 42;
    public int CheckpointEverySteps { get; init; } = 50;
    /// <summary>Stop after this many dev evaluations without a better dev BLEU-4.</summary>
    public int Patience { get; init; } = 4;
    public double? MaxMinutes { get; init; }
    public long? MaxSteps { get; init; }
    /// <summary>Use only the first N training images (quick runs, tests); null = all.</summary>
    public int? TrainImageLimit { get; init; }

    public void Validate()
    {
        if (SamplesPerImage < 2) throw new ArgumentException("self-critical training needs at least 2 samples per image (the baseline is the others' mean)");
        if (ImagesPerBatch < 1 || Epochs < 1 || MaxLength < 2) throw new ArgumentException("batch, epochs and max length must be positive");
    }
}
