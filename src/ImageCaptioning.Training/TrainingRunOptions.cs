namespace ImageCaptioning.Training;

// Every training setting and its one default, side by side: the loop's, then cross-entropy's, then self-critical training's.

/// <summary>The training loop's settings, shared by every objective; each objective's type sets their defaults.</summary>
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
    /// <summary>d of the moving average of the weights that dev evaluation, the saved model and exports use (0 = off).</summary>
    public float AverageDecay { get; init; }
    /// <summary>λ of the doubly-stochastic attention regulariser.</summary>
    public float CoverageLambda { get; init; }
    /// <summary>μ of the attention-entropy penalty (mean normalised entropy of α over predicted rows); 0 = off.</summary>
    public float AttentionEntropy { get; init; }
    /// <summary>The attention-entropy penalty counts only rows that predict a content word (the words the attention
    /// statistics measure), leaving the α of function words and &lt;end&gt; free; false = every predicted row.</summary>
    public bool AttentionEntropyOnContentWords { get; init; }
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
    /// <summary>File name of the extra training captions (e.g. a stronger model's, for distillation), recorded for the model card; null = none.</summary>
    public string? ExtraCaptions { get; init; }
    /// <summary>How many times each extra caption is added to its image's captions.</summary>
    public int ExtraCaptionCopies { get; init; } = 1;

    /// <exception cref="ArgumentException">A setting the loop cannot run with.</exception>
    public virtual void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"epochs must be at least 1, got {Epochs}");
        if (CheckpointEverySteps < 1) throw new ArgumentException($"checkpoint interval must be at least 1 step, got {CheckpointEverySteps}");
        if (EvaluateEverySteps < 0) throw new ArgumentException($"the dev evaluation interval cannot be negative, got {EvaluateEverySteps}");
        if (!(AverageDecay >= 0 && AverageDecay < 1)) throw new ArgumentException($"the average decay must be in [0, 1) (0 = off), got {AverageDecay}");
        if (AttentionEntropy < 0) throw new ArgumentException($"the attention-entropy weight cannot be negative, got {AttentionEntropy}");
        if (TrainImageLimit is < 1) throw new ArgumentException($"the training image limit must be at least 1, got {TrainImageLimit}");
        if (ExtraCaptionCopies < 1) throw new ArgumentException($"the extra captions' copies must be at least 1, got {ExtraCaptionCopies}");
    }
}

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
    /// <summary>What each sample's reward is compared with: the mean of the image's other samples, or the greedy caption's.</summary>
    public SelfCriticalBaseline Baseline { get; init; } = SelfCriticalBaseline.OtherSamples;
    /// <summary>w of the added w × teacher-forced cross-entropy of the step's images' reference captions (0 = pure
    /// policy gradient): keeps the language model the cross-entropy stage learnt while the reward pulls the policy.</summary>
    public float XeWeight { get; init; }
    /// <summary>Label smoothing of that cross-entropy; 0.1 is the cross-entropy stage's, whose solution (the start) is then
    /// a minimum of the term, so it only pulls back, never pushes on by itself.</summary>
    public float XeLabelSmoothing { get; init; } = 0.1f;
    /// <summary>References per image per step in the cross-entropy term, rotating through the image's references epoch by epoch.</summary>
    public int XeReferencesPerImage { get; init; } = 1;
    /// <summary>w of the reward's added w × clipped unigram precision (BLEU-1 without the brevity penalty) against the
    /// image's references (0 = CIDEr-D alone): CIDEr-D pays stock phrases that match many images' references a little,
    /// the precision term charges every word that none of this image's references use.</summary>
    public float UnigramPrecisionWeight { get; init; }

    public override void Validate()
    {
        base.Validate();
        if (!Enum.IsDefined(Baseline)) throw new ArgumentException($"unknown self-critical baseline {(int)Baseline}");
        if (Baseline == SelfCriticalBaseline.OtherSamples && SamplesPerImage < 2)
            throw new ArgumentException("self-critical training needs at least 2 samples per image (the baseline is the others' mean)");
        if (SamplesPerImage < 1) throw new ArgumentException("self-critical training needs at least 1 sample per image");
        if (ImagesPerBatch < 1 || MaxLength < 2) throw new ArgumentException("images per batch and max length must be positive");
        if (!(XeWeight >= 0) || float.IsInfinity(XeWeight)) throw new ArgumentException($"the cross-entropy weight must be a finite number ≥ 0, got {XeWeight}");
        if (!(XeLabelSmoothing >= 0 && XeLabelSmoothing < 1)) throw new ArgumentException($"the cross-entropy label smoothing must be in [0, 1), got {XeLabelSmoothing}");
        if (!(UnigramPrecisionWeight >= 0) || float.IsInfinity(UnigramPrecisionWeight))
            throw new ArgumentException($"the unigram-precision weight must be a finite number ≥ 0, got {UnigramPrecisionWeight}");
        if (XeReferencesPerImage < 1) throw new ArgumentException($"the cross-entropy term needs at least 1 reference per image, got {XeReferencesPerImage}");
    }
}

/// <summary>The reward a self-critical sample is compared with (its advantage is reward − baseline).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<SelfCriticalBaseline>))]
public enum SelfCriticalBaseline
{
    /// <summary>The mean reward of the image's other samples (Luo 2020): unbiased, no extra decode.</summary>
    OtherSamples,
    /// <summary>The reward of the image's greedy caption (Rennie et al. 2017): one extra greedy decode per batch.</summary>
    Greedy,
}
