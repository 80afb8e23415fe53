using ImageCaptioning.Attention;
using ImageCaptioning.Training.Autograd;

namespace ImageCaptioning.Training;

/// <summary>
/// Teacher forcing: each batch of captions is scored by the cross-entropy of the true next word given the true previous
/// words (with label smoothing), plus the doubly-stochastic attention term, through <see cref="DecoderGraph"/>.
/// </summary>
public sealed class CrossEntropyObjective : ITrainingObjective
{
    public const string OptionsFile = "options.json";
    public const string StepsFile = "steps.csv";
    public const string EpochsFile = "epochs.jsonl";

    private readonly TrainingOptions _options;
    private readonly BatchSampler _sampler;
    private readonly DecoderGraph.Options _graph;
    private (int Epoch, int[] Order)? _epochOrder;

    public CrossEntropyObjective(TrainableDecoder model, TrainingSet train, TrainingOptions options)
    {
        Model = model; _options = options;
        _sampler = new BatchSampler(train, options.BatchSize, options.Seed);
        _graph = new DecoderGraph.Options(options.LabelSmoothing, options.CoverageLambda,
            FeatureDropout: options.FeatureDropout, EmbeddingDropout: options.EmbeddingDropout,
            AttentionEntropy: options.AttentionEntropy,
            EntropyTargets: options.AttentionEntropyOnContentWords ? ContentWords.Mask(train.Vocabulary) : null);
    }

    public TrainableDecoder Model { get; }
    public TrainingRunOptions Options => _options;
    public RunLogFormat Log { get; } = new(OptionsFile, StepsFile, EpochsFile, "cross_entropy,coverage,attention_entropy", "cross_entropy", "CE");
    public int BatchesPerEpoch => _sampler.BatchesPerEpoch;
    public bool ScoresStartingModel => false;

    public BatchLoss Forward(Tape tape, BatchPosition at)
    {
        if (_epochOrder?.Epoch != at.Epoch) _epochOrder = (at.Epoch, _sampler.EpochOrder(at.Epoch));
        var batch = _sampler.Batch(_epochOrder.Value.Order, at.Batch, at.Epoch);
        // Dropout noise depends only on (seed, step): a resumed run sees the same masks.
        var output = DecoderGraph.Forward(tape, Model, batch, _graph, new Random(StableSeed.Derive(_options.Seed, at.Step)));
        double crossEntropy = output.CrossEntropySum.Item / output.Tokens;
        return new BatchLoss(output.Loss, batch.TokenCount, crossEntropy, [crossEntropy, output.Coverage.Item, output.AttentionEntropy.Item]);
    }
}
