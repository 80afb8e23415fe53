using System.Diagnostics;
using System.Text.Json;
using ImageCaptioning.Model;
using ImageCaptioning.Training.Autograd;
using ImageCaptioning.Training.Optimization;

namespace ImageCaptioning.Training;

/// <summary>
/// Teacher-forced training of the attention decoder: Adam, global-norm clipping, warm-up + cosine learning rate,
/// checkpoints every N steps and at every epoch end (resumable mid-epoch), dev evaluation after each epoch with
/// early stopping on dev BLEU-4, and a step/epoch log.
/// </summary>
public sealed class Trainer
{
    public const string CheckpointFile = "checkpoint.safetensors";
    public const string OptionsFile = "options.json";

    public sealed record DevScores(double Bleu4, IReadOnlyDictionary<string, double> Metrics);

    public sealed record ProgressReport(int Epoch, int Epochs, int BatchInEpoch, int BatchesPerEpoch, long Step,
        double Loss, double TokensPerSecond, float LearningRate, string? Message = null);

    public sealed record Result(TrainingState State, bool Resumed, string StopReason, double SecondsPerEpoch);

    private readonly TrainableDecoder _model;
    private readonly TrainingSet _train;
    private readonly TrainingOptions _options;
    private readonly string _runDirectory;
    private readonly Func<AttentionDecoder, DevScores>? _evaluateDev;
    private readonly Action<DevScores, int>? _onNewBest;

    /// <param name="evaluateDev">Scores the current weights on the dev split (null: no early stopping).</param>
    /// <param name="onNewBest">Called with the scores and epoch whenever dev BLEU-4 improves (save the model there).</param>
    public Trainer(TrainableDecoder model, TrainingSet train, TrainingOptions options, string runDirectory,
        Func<AttentionDecoder, DevScores>? evaluateDev = null, Action<DevScores, int>? onNewBest = null)
    {
        _model = model; _train = train; _options = options; _runDirectory = runDirectory;
        _evaluateDev = evaluateDev; _onNewBest = onNewBest;
    }

    public Result Run(IProgress<ProgressReport>? progress = null, CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(_runDirectory);
        var sampler = new BatchSampler(_train, _options.BatchSize, _options.Seed);
        var adam = new Adam(_model.Tensors) { WeightDecay = _options.WeightDecay };
        var schedule = new LearningRateSchedule(_options.LearningRate, _options.WarmupSteps,
            (long)sampler.BatchesPerEpoch * _options.Epochs, _options.MinLearningRateFactor);
        var graphOptions = new DecoderGraph.Options(_options.LabelSmoothing, _options.CoverageLambda,
            FeatureDropout: _options.FeatureDropout, EmbeddingDropout: _options.EmbeddingDropout);
        var inference = new AttentionDecoder(_model.Parameters); // shares the weight arrays

        string checkpointPath = Path.Combine(_runDirectory, CheckpointFile);
        bool resumed = File.Exists(checkpointPath);
        var state = resumed ? TrainingCheckpoint.Load(checkpointPath, _model, adam) : new TrainingState();
        File.WriteAllText(Path.Combine(_runDirectory, OptionsFile), JsonSerializer.Serialize(_options, new JsonSerializerOptions { WriteIndented = true }));
        if (resumed)
            progress?.Report(new ProgressReport(state.Epoch, _options.Epochs, state.BatchInEpoch, sampler.BatchesPerEpoch, state.Step, 0, 0, 0,
                $"resumed from {CheckpointFile}: epoch {state.Epoch + 1}, batch {state.BatchInEpoch}, step {state.Step}"));

        using var log = new TrainingLog(_runDirectory);
        var tape = new Tape();
        var clock = Stopwatch.StartNew();
        double elapsedBefore = state.ElapsedSeconds;
        double Elapsed() => elapsedBefore + clock.Elapsed.TotalSeconds;
        string stopReason = "finished all epochs";
        double epochSeconds = 0;

        while (state.Epoch < _options.Epochs)
        {
            var order = sampler.EpochOrder(state.Epoch);
            double epochStart = Elapsed(), lossSum = 0;
            int lossCount = 0;
            for (int b = state.BatchInEpoch; b < sampler.BatchesPerEpoch; b++)
            {
                if (cancellation.IsCancellationRequested || OutOfBudget(state, Elapsed()))
                {
                    stopReason = cancellation.IsCancellationRequested ? "cancelled" : "time or step budget reached";
                    TrainingCheckpoint.Save(checkpointPath, _model, adam, state with { BatchInEpoch = b, ElapsedSeconds = Elapsed() });
                    return new Result(state, resumed, stopReason, epochSeconds);
                }
                long stepStart = Stopwatch.GetTimestamp();
                var batch = sampler.Batch(order, b, state.Epoch);
                float lr = schedule.At(state.Step);
                // Dropout noise depends only on (seed, step): a resumed run sees the same masks.
                var rng = new Random(StableSeed.Derive(_options.Seed, state.Step));
                var output = DecoderGraph.Forward(tape, _model, batch, graphOptions, rng);
                double ce = output.CrossEntropySum.Item / output.Tokens, coverage = output.Coverage.Item;
                var (loss, gradNorm) = OptimizerStep.Apply(tape, output.Loss, _model, adam, _options.ClipNorm, lr, "Training", state.Step);

                double seconds = Stopwatch.GetElapsedTime(stepStart).TotalSeconds;
                state = state with { Step = state.Step + 1, BatchInEpoch = b + 1 };
                lossSum += ce; lossCount++;
                log.Step(state.Step, state.Epoch, loss, ce, coverage, lr, gradNorm, batch.TokenCount, seconds);
                progress?.Report(new ProgressReport(state.Epoch, _options.Epochs, b + 1, sampler.BatchesPerEpoch, state.Step,
                    ce, batch.TokenCount / seconds, lr));
                if (state.Step % _options.CheckpointEverySteps == 0)
                    TrainingCheckpoint.Save(checkpointPath, _model, adam, state with { ElapsedSeconds = Elapsed() });
            }

            epochSeconds = Elapsed() - epochStart;
            state = EndOfEpoch(state, inference, log, lossCount > 0 ? lossSum / lossCount : double.NaN, epochSeconds, progress);
            TrainingCheckpoint.Save(checkpointPath, _model, adam, state with { ElapsedSeconds = Elapsed() });
            if (_evaluateDev is not null && state.EpochsWithoutImprovement >= _options.Patience)
            {
                stopReason = $"early stop: no dev BLEU-4 gain for {_options.Patience} epochs";
                break;
            }
        }
        return new Result(state, resumed, stopReason, epochSeconds);
    }

    private bool OutOfBudget(TrainingState state, double elapsedSeconds) =>
        (_options.MaxSteps is { } maxSteps && state.Step >= maxSteps) ||
        (_options.MaxMinutes is { } maxMinutes && elapsedSeconds >= maxMinutes * 60);

    private TrainingState EndOfEpoch(TrainingState state, AttentionDecoder inference, TrainingLog log, double trainLoss,
        double epochSeconds, IProgress<ProgressReport>? progress)
    {
        int epoch = state.Epoch;
        var next = state with { Epoch = epoch + 1, BatchInEpoch = 0 };
        DevScores? dev = null;
        if (_evaluateDev is not null)
        {
            progress?.Report(new ProgressReport(epoch, _options.Epochs, 0, 0, state.Step, trainLoss, 0, 0, "evaluating on dev…"));
            dev = _evaluateDev(inference);
            bool better = dev.Bleu4 > state.BestDevBleu4;
            next = better
                ? next with { BestDevBleu4 = dev.Bleu4, BestEpoch = epoch + 1, EpochsWithoutImprovement = 0 }
                : next with { EpochsWithoutImprovement = state.EpochsWithoutImprovement + 1 };
            if (better) _onNewBest?.Invoke(dev, epoch + 1);
        }
        log.Epoch(new
        {
            epoch = epoch + 1,
            step = state.Step,
            train_cross_entropy = trainLoss,
            seconds = epochSeconds,
            dev = dev?.Metrics,
            best_dev_bleu4 = next.BestDevBleu4,
        });
        progress?.Report(new ProgressReport(epoch, _options.Epochs, 0, 0, state.Step, trainLoss, 0, 0,
            $"epoch {epoch + 1}: train CE {trainLoss:F3}, {epochSeconds / 60:F1} min" +
            (dev is null ? "" : $", dev BLEU-4 {dev.Bleu4:F4} (best {next.BestDevBleu4:F4} at epoch {next.BestEpoch})")));
        return next;
    }
}
