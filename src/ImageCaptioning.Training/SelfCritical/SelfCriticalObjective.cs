using ImageCaptioning.Attention;
using ImageCaptioning.Data;
using ImageCaptioning.Decoding;
using ImageCaptioning.Model;
using ImageCaptioning.Training.Autograd;

namespace ImageCaptioning.Training.SelfCritical;

/// <summary>
/// Self-critical sequence training (Rennie et al. 2017) of an already trained decoder: each batch samples K captions per
/// image from the current policy, scores them with a reward (CIDEr-D), and records Σ (r − b)·(−log p(caption)) through the
/// same teacher-forced graph as cross-entropy training, each caption weighted by its advantage (<see cref="SelfCriticalBatch"/>).
/// With <see cref="SelfCriticalOptions.XeWeight"/> w &gt; 0 it adds w × the label-smoothed cross-entropy of the images'
/// reference captions (<see cref="ReferenceBatch"/>), through the same graph, to keep the language model of the first stage.
/// </summary>
public sealed class SelfCriticalObjective : ITrainingObjective
{
    public const string OptionsFile = "scst_options.json";
    public const string StepsFile = "scst_steps.csv";
    public const string EvaluationsFile = "scst_evaluations.jsonl";

    private readonly SelfCriticalOptions _options;
    private readonly IReadOnlyList<string> _images;
    private readonly IGridSource _grids;
    private readonly ICaptionReward _reward;
    private readonly CaptionGenerator _policy;
    private readonly DecoderGraph.Options _graph;
    private readonly DecoderGraph.Options _referenceGraph;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<int[]>>? _references;
    private readonly float[] _gridBuffer;
    private (int Epoch, int[] Order)? _epochOrder;

    /// <param name="images">Training images (each must have a grid and references known to the reward); cut to
    /// <see cref="TrainingRunOptions.TrainImageLimit"/>.</param>
    /// <param name="references">Per training image its reference captions as word ids (no &lt;start&gt;/&lt;end&gt;);
    /// needed only when <see cref="SelfCriticalOptions.XeWeight"/> &gt; 0.</param>
    public SelfCriticalObjective(TrainableDecoder model, Vocabulary vocabulary, IReadOnlyList<string> images, IGridSource grids,
        ICaptionReward reward, SelfCriticalOptions options, IReadOnlyDictionary<string, IReadOnlyList<int[]>>? references = null)
    {
        options.Validate();
        if (options.XeWeight > 0 && references is null)
            throw new ArgumentException("a cross-entropy weight > 0 needs the training images' reference captions");
        _references = references;
        Model = model; _options = options; _grids = grids; _reward = reward;
        _images = options.TrainImageLimit is { } limit ? images.Take(limit).ToList() : images;
        _policy = new CaptionGenerator(new AttentionDecoder(model.Parameters), vocabulary);   // shares the weight arrays: samples come from the current policy
        _graph = new DecoderGraph.Options(LabelSmoothing: 0f, options.CoverageLambda, Dropout: options.Dropout,
            AttentionEntropy: options.AttentionEntropy, Temperature: options.Temperature,
            EntropyTargets: options.AttentionEntropyOnContentWords ? ContentWords.Mask(vocabulary) : null);   // the policy that sampled: same temperature
        // The model's own distribution (T = 1) on the references; the regularisers already act on the samples' pass.
        _referenceGraph = new DecoderGraph.Options(LabelSmoothing: options.XeLabelSmoothing, CoverageLambda: 0f, Dropout: options.Dropout);
        if (options.XeWeight > 0) Log = Log with { FigureColumns = Log.FigureColumns + ",reference_ce" };
        _gridBuffer = new float[options.ImagesPerBatch * grids.Positions * grids.Channels];
    }

    public TrainableDecoder Model { get; }
    public TrainingRunOptions Options => _options;
    public RunLogFormat Log { get; } = new(OptionsFile, StepsFile, EvaluationsFile,
        "mean_reward,best_reward,mean_abs_advantage,mean_words", "mean_reward", "reward");
    /// <summary>Training images the run samples from (after <see cref="TrainingRunOptions.TrainImageLimit"/>).</summary>
    public int ImageCount => _images.Count;
    public int BatchesPerEpoch => (_images.Count + _options.ImagesPerBatch - 1) / _options.ImagesPerBatch;
    public bool ScoresStartingModel => true;

    public BatchLoss Forward(Tape tape, BatchPosition at)
    {
        if (_epochOrder?.Epoch != at.Epoch)
        {
            var order = Enumerable.Range(0, _images.Count).ToArray();
            new Random(StableSeed.Derive(_options.Seed, at.Epoch)).Shuffle(order);
            _epochOrder = (at.Epoch, order);
        }
        var names = _epochOrder.Value.Order.Skip(at.Batch * _options.ImagesPerBatch).Take(_options.ImagesPerBatch).Select(i => _images[i]).ToArray();
        int gridFloats = _grids.Positions * _grids.Channels;
        for (int i = 0; i < names.Length; i++)
        {
            if (!_grids.TryGetIndex(names[i], out int index))
                throw new Errors.ImageCaptioningException($"The feature cache has no features for '{names[i]}': run `extract` first.");
            _grids.CopyGrid(index, _gridBuffer.AsSpan(i * gridFloats, gridFloats));
        }

        // 1. Sample K captions per image from the current model (no dropout, nothing blocked: the policy itself).
        var sampling = new DecodingOptions
        {
            Method = DecodingMethod.Sample, NBest = _options.SamplesPerImage, MaxLength = _options.MaxLength,
            Temperature = _options.Temperature, NoRepeatNGramSize = 0, Seed = StableSeed.Derive(_options.Seed, 1_000_000 + at.Step),
        };
        var samples = _policy.Generate(_gridBuffer.AsSpan(0, names.Length * gridFloats), names.Length, sampling);
        // 2. Reward each sample.
        var rewards = new double[names.Length][];
        for (int i = 0; i < names.Length; i++)
            rewards[i] = samples[i].Select(caption => _reward.Score(names[i], caption)).ToArray();
        // 2b. Rennie's baseline: the reward of the current model's greedy caption of each image.
        double[]? baselines = null;
        if (_options.Baseline == SelfCriticalBaseline.Greedy)
        {
            var greedy = _policy.Generate(_gridBuffer.AsSpan(0, names.Length * gridFloats), names.Length,
                new DecodingOptions { Method = DecodingMethod.Greedy, MaxLength = _options.MaxLength, NoRepeatNGramSize = 0 });
            baselines = names.Select((name, i) => _reward.Score(name, greedy[i][0])).ToArray();
        }
        // 3. Policy gradient through the teacher-forced graph, each sample weighted by its advantage.
        var (batch, stats) = SelfCriticalBatch.Build(_gridBuffer, gridFloats, names, samples, rewards, baselines);
        var output = DecoderGraph.Forward(tape, Model, batch, _graph, new Random(StableSeed.Derive(_options.Seed, at.Step)));
        var loss = output.Loss;
        double[] figures = [stats.MeanReward, stats.BestReward, stats.MeanAbsAdvantage, stats.MeanWords];
        // 4. Optionally + w × cross-entropy of the images' references (mean over their tokens).
        if (_options.XeWeight > 0)
        {
            var references = names.Select(name => ReferenceBatch.Pick(
                _references!.TryGetValue(name, out var all) ? all : throw new Errors.ImageCaptioningException($"No reference captions for training image '{name}'."),
                at.Epoch, _options.XeReferencesPerImage)).ToArray();
            var referenceBatch = ReferenceBatch.Build(_gridBuffer.AsSpan(0, names.Length * gridFloats), gridFloats, names, references);
            var reference = DecoderGraph.Forward(tape, Model, referenceBatch, _referenceGraph, new Random(StableSeed.Derive(_options.Seed, 2_000_000 + at.Step)));
            loss = Ops.WeightedSumOfScalars(tape, [output.Loss, reference.Loss], [1f, _options.XeWeight]);
            figures = [.. figures, reference.Loss.Item];
        }

        // Every 25 steps, what the policy writes now: one image's samples and their rewards.
        string? note = (at.Step + 1) % 25 == 0
            ? $"step {at.Step + 1} samples for {names[0]}: " +
              string.Join(" | ", samples[0].Select((c, k) => $"{rewards[0][k]:F2} {c.Text}{(c.Finished ? "" : " …")}"))
            : null;
        return new BatchLoss(loss, batch.TokenCount, stats.MeanReward, figures, note);
    }
}
