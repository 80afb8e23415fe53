using System.Diagnostics;
using System.Text.Json;
using ImageCaptioning.Model;
using ImageCaptioning.Training.Autograd;
using ImageCaptioning.Training.Optimization;

namespace ImageCaptioning.Training;

/// <summary>
/// The one training loop: Adam with global-norm clipping and a warm-up + cosine learning rate over an objective's batches,
/// checkpoints every N steps and at every epoch end (resumable mid-epoch), wall-clock/step budgets and cancellation
/// (checkpoint, then return), dev BLEU-4 evaluation with early stopping, and the step/evaluation logs. With
/// <see cref="TrainingRunOptions.AverageDecay"/> &gt; 0 it keeps a moving average of the weights, which dev evaluation and
/// the best-model callback see instead of the training weights (<see cref="WeightAverage"/>).
/// </summary>
public sealed class TrainingRun
{
    public const string CheckpointFile = "checkpoint.safetensors";

    public sealed record Result(TrainingState State, bool Resumed, string StopReason, double SecondsPerEpoch);

    private readonly ITrainingObjective _objective;
    private readonly TrainingRunOptions _options;
    private readonly string _runDirectory;
    private readonly Func<AttentionDecoder, DevScores>? _evaluateDev;
    private readonly Action<DevScores, TrainingState>? _onNewBest;

    /// <param name="evaluateDev">Scores the current weights on the dev split (null: no dev evaluation, no early stopping).</param>
    /// <param name="onNewBest">Called with the scores and the run's state whenever dev BLEU-4 beats the best so far
    /// (save the model's parameters there: during the call they hold the weights just evaluated); with
    /// <see cref="ITrainingObjective.ScoresStartingModel"/> the starting score counts as the first best.</param>
    public TrainingRun(ITrainingObjective objective, string runDirectory,
        Func<AttentionDecoder, DevScores>? evaluateDev = null, Action<DevScores, TrainingState>? onNewBest = null)
    {
        objective.Options.Validate();
        _objective = objective; _options = objective.Options; _runDirectory = runDirectory;
        _evaluateDev = evaluateDev; _onNewBest = onNewBest;
    }

    public Result Run(IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(_runDirectory);
        var model = _objective.Model;
        int batches = _objective.BatchesPerEpoch;
        var adam = new Adam(model.Tensors) { WeightDecay = _options.WeightDecay };
        var schedule = new LearningRateSchedule(_options.LearningRate, _options.WarmupSteps, (long)batches * _options.Epochs, _options.MinLearningRateFactor);
        var inference = new AttentionDecoder(model.Parameters); // shares the weight arrays: evaluates the current weights
        var average = _options.AverageDecay > 0 ? new WeightAverage(model.Tensors, _options.AverageDecay) : null;

        string checkpointPath = Path.Combine(_runDirectory, CheckpointFile);
        bool resumed = File.Exists(checkpointPath);
        bool averageRestored = false;
        var state = resumed ? TrainingCheckpoint.Load(checkpointPath, model, adam, average, out averageRestored) : new TrainingState();
        File.WriteAllText(Path.Combine(_runDirectory, _objective.Log.OptionsFile),
            JsonSerializer.Serialize(_options, _options.GetType(), new JsonSerializerOptions { WriteIndented = true }));
        using var log = new TrainingLog(_runDirectory, _objective.Log);
        var clock = Stopwatch.StartNew();
        double elapsedBefore = state.ElapsedSeconds;
        double Elapsed() => elapsedBefore + clock.Elapsed.TotalSeconds;
        void Checkpoint(TrainingState at) => TrainingCheckpoint.Save(checkpointPath, model, adam, average, at with { ElapsedSeconds = Elapsed() });

        if (resumed)
            Say(progress, state, $"resumed from {CheckpointFile}: epoch {state.Epoch + 1}, batch {state.BatchInEpoch}, step {state.Step}" +
                (average is not null && !averageRestored ? "; it has no weight average: one starts here" : ""));
        else if (_evaluateDev is not null && _objective.ScoresStartingModel)
            state = Evaluate(state, inference, average, log, progress, "start");

        var tape = new Tape();
        double epochSeconds = 0;
        while (state.Epoch < _options.Epochs)
        {
            double epochStart = Elapsed(), summarySum = 0;
            int summaryCount = 0;
            for (int b = state.BatchInEpoch; b < batches; b++)
            {
                if (cancellation.IsCancellationRequested || OutOfBudget(state, Elapsed()))
                {
                    Checkpoint(state with { BatchInEpoch = b });
                    return new Result(state, resumed, cancellation.IsCancellationRequested ? "cancelled" : "time or step budget reached", epochSeconds);
                }
                long stepStart = Stopwatch.GetTimestamp();
                float lr = schedule.At(state.Step);
                var batch = _objective.Forward(tape, new BatchPosition(state.Epoch, b, state.Step));
                var (loss, gradNorm) = OptimizerStep(tape, batch.Loss, model, adam, lr, state.Step);
                average?.Update();

                double seconds = Stopwatch.GetElapsedTime(stepStart).TotalSeconds;
                state = state with { Step = state.Step + 1, BatchInEpoch = b + 1 };
                summarySum += batch.Summary; summaryCount++;
                log.Row(state.Step, state.Epoch, [loss, .. batch.Figures, lr, gradNorm, batch.Tokens, seconds]);
                progress?.Report(new TrainingProgress(state.Epoch, _options.Epochs, b + 1, batches, state.Step, batch.Summary, batch.Tokens / seconds, lr));
                if (state.Step % _options.CheckpointEverySteps == 0) Checkpoint(state);
                if (batch.Note is { } note) Say(progress, state, note);
                if (_evaluateDev is not null && _options.EvaluateEverySteps > 0 && state.Step % _options.EvaluateEverySteps == 0 && b + 1 < batches)
                {
                    state = Evaluate(state, inference, average, log, progress, $"step {state.Step}");
                    Checkpoint(state);
                    if (PatienceRanOut(state)) return new Result(state, resumed, EarlyStop, epochSeconds);
                }
            }

            epochSeconds = Elapsed() - epochStart;
            double summary = summaryCount > 0 ? summarySum / summaryCount : double.NaN;
            state = state with { Epoch = state.Epoch + 1, BatchInEpoch = 0 };
            Say(progress, state, $"epoch {state.Epoch}: train {_objective.Log.SummaryLabel} {summary:F3}, {epochSeconds / 60:F1} min");
            state = _evaluateDev is null
                ? Record(state, log, $"epoch {state.Epoch}", null, (summary, epochSeconds))
                : Evaluate(state, inference, average, log, progress, $"epoch {state.Epoch}", (summary, epochSeconds));
            Checkpoint(state);
            if (PatienceRanOut(state)) return new Result(state, resumed, EarlyStop, epochSeconds);
        }
        return new Result(state, resumed, "finished all epochs", epochSeconds);
    }

    /// <summary>Back-propagates, clips the global gradient norm, takes an Adam step and clears the tape and gradients.</summary>
    /// <returns>The loss and the gradient norm before clipping.</returns>
    private (double Loss, double GradientNorm) OptimizerStep(Tape tape, Tensor loss, TrainableDecoder model, Adam adam, float learningRate, long step)
    {
        tape.Backward(loss);
        double gradNorm = GradientClipping.ClipGlobalNorm(model.Tensors, _options.ClipNorm);
        adam.Update(learningRate);
        double value = loss.Item;
        tape.Reset();
        model.ZeroGrad();
        if (!double.IsFinite(value))
            throw new Errors.ImageCaptioningException($"Training diverged at step {step} (loss {value}); lower the learning rate.");
        return (value, gradNorm);
    }

    private string EarlyStop => $"early stop: no dev BLEU-4 gain in {_options.Patience} evaluations";

    private bool PatienceRanOut(TrainingState state) => _evaluateDev is not null && state.EpochsWithoutImprovement >= _options.Patience;

    private bool OutOfBudget(TrainingState state, double elapsedSeconds) =>
        (_options.MaxSteps is { } maxSteps && state.Step >= maxSteps) ||
        (_options.MaxMinutes is { } maxMinutes && elapsedSeconds >= maxMinutes * 60);

    /// <summary>
    /// Scores dev (the averaged weights, when the run keeps an average); on a new best (after the start) calls onNewBest
    /// with the same weights in place. EpochsWithoutImprovement counts evaluations.
    /// </summary>
    private TrainingState Evaluate(TrainingState state, AttentionDecoder inference, WeightAverage? average, TrainingLog log,
        IProgress<TrainingProgress>? progress, string when, (double Summary, double Seconds)? epoch = null)
    {
        Say(progress, state, $"evaluating on dev ({when})…");
        DevScores dev;
        TrainingState next;
        using (average?.Swapped())
        {
            dev = _evaluateDev!(inference);
            bool better = dev.Bleu4 > state.BestDevBleu4;
            next = better
                ? state with { BestDevBleu4 = dev.Bleu4, BestEpoch = state.Epoch, BestStep = state.Step, EpochsWithoutImprovement = 0 }
                : state with { EpochsWithoutImprovement = state.EpochsWithoutImprovement + 1 };
            if (better && when != "start") _onNewBest?.Invoke(dev, next);
        }
        string metrics = string.Join(", ", dev.Metrics.Select(kv => $"{kv.Key} {kv.Value:F4}"));
        Say(progress, next, $"dev at {when}: {metrics} (best BLEU-4 {next.BestDevBleu4:F4} at epoch {next.BestEpoch}, step {next.BestStep})");
        return Record(next, log, when, dev, epoch);
    }

    /// <summary>One line of the evaluations log: where the run is, the epoch's training summary, the dev scores.</summary>
    private TrainingState Record(TrainingState state, TrainingLog log, string when, DevScores? dev, (double Summary, double Seconds)? epoch)
    {
        var record = new Dictionary<string, object?> { ["epoch"] = state.Epoch, ["step"] = state.Step, ["when"] = when };
        if (epoch is { } e)
        {
            record[$"train_{_objective.Log.SummaryColumn}"] = e.Summary;
            record["seconds"] = e.Seconds;
        }
        record["dev"] = dev?.Metrics;
        record["best_dev_bleu4"] = state.BestDevBleu4;
        record["best_step"] = state.BestStep;
        log.Evaluation(record);
        return state;
    }

    private void Say(IProgress<TrainingProgress>? progress, TrainingState state, string message) =>
        progress?.Report(new TrainingProgress(state.Epoch, _options.Epochs, state.BatchInEpoch, _objective.BatchesPerEpoch, state.Step, 0, 0, 0, message));
}
