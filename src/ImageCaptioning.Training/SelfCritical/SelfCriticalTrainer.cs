using System.Diagnostics;
using System.Text.Json;
using ImageCaptioning.Data;
using ImageCaptioning.Decoding;
using ImageCaptioning.Model;
using ImageCaptioning.Training.Autograd;
using ImageCaptioning.Training.Optimization;

namespace ImageCaptioning.Training.SelfCritical;

/// <summary>
/// Self-critical sequence training (Rennie et al. 2017) of an already trained decoder: each step samples K captions
/// per image with the inference decoder, scores them with a reward (CIDEr-D), and takes a policy-gradient step on
/// Σ (r − b)·(−log p(caption)) through the same teacher-forced graph the cross-entropy trainer uses
/// (<see cref="DecoderGraph"/>, with each caption weighted by its advantage). It optimises what the evaluation measures
/// instead of the next-word likelihood, and avoids teacher forcing's exposure bias.
/// Checkpoints, resume, dev evaluation with early stopping on dev BLEU-4 and the logs work as in <see cref="Trainer"/>.
/// </summary>
public sealed class SelfCriticalTrainer
{
    public const string StepsFile = "scst_steps.csv";
    public const string EvaluationsFile = "scst_evaluations.jsonl";

    public sealed record Result(TrainingState State, bool Resumed, string StopReason, double SecondsPerEpoch);

    private readonly TrainableDecoder _model;
    private readonly Vocabulary _vocabulary;
    private readonly IReadOnlyList<string> _images;
    private readonly IGridSource _grids;
    private readonly ICaptionReward _reward;
    private readonly SelfCriticalOptions _options;
    private readonly string _runDirectory;
    private readonly Func<AttentionDecoder, Trainer.DevScores>? _evaluateDev;
    private readonly Action<Trainer.DevScores, long>? _onNewBest;

    /// <param name="images">Training images (each must have a grid and references known to the reward).</param>
    /// <param name="onNewBest">Called with the dev scores and step whenever dev BLEU-4 beats the best so far (the
    /// starting model's score counts: a fine-tuned model is only saved if it is better than where it started).</param>
    public SelfCriticalTrainer(TrainableDecoder model, Vocabulary vocabulary, IReadOnlyList<string> images, IGridSource grids,
        ICaptionReward reward, SelfCriticalOptions options, string runDirectory,
        Func<AttentionDecoder, Trainer.DevScores>? evaluateDev = null, Action<Trainer.DevScores, long>? onNewBest = null)
    {
        options.Validate();
        _model = model; _vocabulary = vocabulary; _grids = grids; _reward = reward; _options = options;
        _runDirectory = runDirectory; _evaluateDev = evaluateDev; _onNewBest = onNewBest;
        _images = options.TrainImageLimit is { } limit ? images.Take(limit).ToList() : images;
    }

    /// <summary>Training images the run samples from (after <see cref="SelfCriticalOptions.TrainImageLimit"/>).</summary>
    public int ImageCount => _images.Count;

    public int BatchesPerEpoch => (_images.Count + _options.ImagesPerBatch - 1) / _options.ImagesPerBatch;

    public Result Run(IProgress<Trainer.ProgressReport>? progress = null, CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(_runDirectory);
        var adam = new Adam(_model.Tensors) { WeightDecay = _options.WeightDecay };
        var schedule = new LearningRateSchedule(_options.LearningRate, _options.WarmupSteps,
            (long)BatchesPerEpoch * _options.Epochs, _options.MinLearningRateFactor);
        var graphOptions = new DecoderGraph.Options(LabelSmoothing: 0f, _options.CoverageLambda, Dropout: _options.Dropout);
        var inference = new AttentionDecoder(_model.Parameters);       // shares the weight arrays: samples come from the current policy
        var generator = new CaptionGenerator(inference, _vocabulary);

        string checkpointPath = Path.Combine(_runDirectory, Trainer.CheckpointFile);
        bool resumed = File.Exists(checkpointPath);
        var state = resumed ? TrainingCheckpoint.Load(checkpointPath, _model, adam) : new TrainingState();
        File.WriteAllText(Path.Combine(_runDirectory, "scst_options.json"), JsonSerializer.Serialize(_options, new JsonSerializerOptions { WriteIndented = true }));
        using var log = new TrainingLog(_runDirectory, StepsFile,
            "step,epoch,loss,mean_reward,best_reward,mean_abs_advantage,mean_words,learning_rate,grad_norm,seconds", EvaluationsFile);
        var clock = Stopwatch.StartNew();
        double elapsedBefore = state.ElapsedSeconds;
        double Elapsed() => elapsedBefore + clock.Elapsed.TotalSeconds;

        if (resumed)
            Report(progress, state, $"resumed from {Trainer.CheckpointFile}: epoch {state.Epoch + 1}, batch {state.BatchInEpoch}, step {state.Step}");
        else if (_evaluateDev is not null)
            state = Evaluate(state, inference, log, progress, "start");      // the bar the fine-tuned model has to clear

        int gridFloats = _grids.Positions * _grids.Channels;
        var gridBuffer = new float[_options.ImagesPerBatch * gridFloats];
        var tape = new Tape();
        string stopReason = "finished all epochs";
        double epochSeconds = 0;
        while (state.Epoch < _options.Epochs)
        {
            var order = Enumerable.Range(0, _images.Count).ToArray();
            new Random(StableSeed.Derive(_options.Seed, state.Epoch)).Shuffle(order);
            double epochStart = Elapsed();
            for (int b = state.BatchInEpoch; b < BatchesPerEpoch; b++)
            {
                if (cancellation.IsCancellationRequested || OutOfBudget(state, Elapsed()))
                {
                    stopReason = cancellation.IsCancellationRequested ? "cancelled" : "time or step budget reached";
                    TrainingCheckpoint.Save(checkpointPath, _model, adam, state with { BatchInEpoch = b, ElapsedSeconds = Elapsed() });
                    return new Result(state, resumed, stopReason, epochSeconds);
                }
                long stepStart = Stopwatch.GetTimestamp();
                var names = order.Skip(b * _options.ImagesPerBatch).Take(_options.ImagesPerBatch).Select(i => _images[i]).ToArray();
                for (int i = 0; i < names.Length; i++)
                {
                    if (!_grids.TryGetIndex(names[i], out int index))
                        throw new Errors.ImageCaptioningException($"The feature cache has no features for '{names[i]}': run `extract` first.");
                    _grids.CopyGrid(index, gridBuffer.AsSpan(i * gridFloats, gridFloats));
                }

                // 1. Sample K captions per image from the current model (no dropout, nothing blocked: the policy itself).
                var sampling = new DecodingOptions
                {
                    Method = DecodingMethod.Sample, NBest = _options.SamplesPerImage, MaxLength = _options.MaxLength,
                    Temperature = _options.Temperature, NoRepeatNGramSize = 0, Seed = StableSeed.Derive(_options.Seed, 1_000_000 + state.Step),
                };
                var samples = generator.Generate(gridBuffer.AsSpan(0, names.Length * gridFloats), names.Length, sampling);
                // 2. Reward each sample.
                var rewards = new double[names.Length][];
                for (int i = 0; i < names.Length; i++)
                    rewards[i] = samples[i].Select(caption => _reward.Score(names[i], caption)).ToArray();
                // 3. Policy gradient through the teacher-forced graph, each sample weighted by its advantage.
                var (batch, stats) = SelfCriticalBatch.Build(gridBuffer, gridFloats, names, samples, rewards);
                float lr = schedule.At(state.Step);
                var output = DecoderGraph.Forward(tape, _model, batch, graphOptions, new Random(StableSeed.Derive(_options.Seed, state.Step)));
                var (loss, gradNorm) = OptimizerStep.Apply(tape, output.Loss, _model, adam, _options.ClipNorm, lr, "Self-critical training", state.Step);

                double seconds = Stopwatch.GetElapsedTime(stepStart).TotalSeconds;
                state = state with { Step = state.Step + 1, BatchInEpoch = b + 1 };
                log.Row(state.Step, state.Epoch, loss, stats.MeanReward, stats.BestReward, stats.MeanAbsAdvantage, stats.MeanWords, lr, gradNorm, seconds);
                progress?.Report(new Trainer.ProgressReport(state.Epoch, _options.Epochs, b + 1, BatchesPerEpoch, state.Step,
                    stats.MeanReward, batch.TokenCount / seconds, lr));
                if (state.Step % _options.CheckpointEverySteps == 0)
                    TrainingCheckpoint.Save(checkpointPath, _model, adam, state with { ElapsedSeconds = Elapsed() });
                if (state.Step % 25 == 0)   // what the policy writes now, for the log: one image's samples and their rewards
                    Report(progress, state, $"step {state.Step} samples for {names[0]}: " +
                        string.Join(" | ", samples[0].Select((c, k) => $"{rewards[0][k]:F2} {c.Text}{(c.Finished ? "" : " …")}")));
                if (_evaluateDev is not null && _options.EvaluateEverySteps > 0 && state.Step % _options.EvaluateEverySteps == 0 && b + 1 < BatchesPerEpoch)
                {
                    state = Evaluate(state, inference, log, progress, $"step {state.Step}");
                    TrainingCheckpoint.Save(checkpointPath, _model, adam, state with { ElapsedSeconds = Elapsed() });
                    if (state.EpochsWithoutImprovement >= _options.Patience) { stopReason = EarlyStop(); goto stopped; }
                }
            }
            epochSeconds = Elapsed() - epochStart;
            state = state with { Epoch = state.Epoch + 1, BatchInEpoch = 0 };
            Report(progress, state, $"epoch {state.Epoch}: {epochSeconds / 60:F1} min");
            if (_evaluateDev is not null) state = Evaluate(state, inference, log, progress, $"epoch {state.Epoch}");
            TrainingCheckpoint.Save(checkpointPath, _model, adam, state with { ElapsedSeconds = Elapsed() });
            if (_evaluateDev is not null && state.EpochsWithoutImprovement >= _options.Patience) { stopReason = EarlyStop(); break; }
        }
    stopped:
        return new Result(state, resumed, stopReason, epochSeconds);
    }

    private string EarlyStop() => $"early stop: no dev BLEU-4 gain in {_options.Patience} evaluations";

    /// <summary>Scores dev; on a new best calls onNewBest. EpochsWithoutImprovement counts evaluations here.</summary>
    private TrainingState Evaluate(TrainingState state, AttentionDecoder inference, TrainingLog log, IProgress<Trainer.ProgressReport>? progress, string when)
    {
        Report(progress, state, $"evaluating on dev ({when})…");
        var dev = _evaluateDev!(inference);
        bool better = dev.Bleu4 > state.BestDevBleu4;
        bool start = when == "start";
        var next = better
            ? state with { BestDevBleu4 = dev.Bleu4, BestEpoch = state.Epoch, BestStep = state.Step, EpochsWithoutImprovement = 0 }
            : state with { EpochsWithoutImprovement = state.EpochsWithoutImprovement + 1 };
        if (better && !start) _onNewBest?.Invoke(dev, state.Step);
        log.Epoch(new
        {
            step = state.Step, epoch = state.Epoch, when, dev = dev.Metrics, best_dev_bleu4 = next.BestDevBleu4, best_step = next.BestStep,
        });
        string metrics = string.Join(", ", dev.Metrics.Select(kv => $"{kv.Key} {kv.Value:F4}"));
        Report(progress, next, $"dev at {when}: {metrics} (best BLEU-4 {next.BestDevBleu4:F4} at step {next.BestStep})");
        return next;
    }

    private bool OutOfBudget(TrainingState state, double elapsedSeconds) =>
        (_options.MaxSteps is { } maxSteps && state.Step >= maxSteps) ||
        (_options.MaxMinutes is { } maxMinutes && elapsedSeconds >= maxMinutes * 60);

    private void Report(IProgress<Trainer.ProgressReport>? progress, TrainingState state, string message) =>
        progress?.Report(new Trainer.ProgressReport(state.Epoch, _options.Epochs, state.BatchInEpoch, BatchesPerEpoch, state.Step, 0, 0, 0, message));
}
