using System.Text.Json;
using ImageCaptioning.Model;
using ImageCaptioning.Training;

namespace ImageCaptioning.Tests.Training;

/// <summary>The loop every objective shares: budgets, cancellation, checkpoints, dev evaluation and patience.</summary>
public sealed class TrainingRunTests : IDisposable
{
    private readonly string _runs = Directory.CreateTempSubdirectory("training-run-tests-").FullName;

    public void Dispose() => Directory.Delete(_runs, recursive: true);

    // 36 captions / 8 per batch = 5 batches per epoch.
    private static TrainingOptions Options() => new()
    {
        Epochs = 1000, BatchSize = 8, LearningRate = 3e-3f, WarmupSteps = 10, LabelSmoothing = 0f, CheckpointEverySteps = 1000, Seed = 11,
    };

    private static (TrainingRun Run, DecoderConfig Config) Create(TrainingOptions options, string runDirectory,
        Func<AttentionDecoder, DevScores>? evaluateDev = null, Action<DevScores, TrainingState>? onNewBest = null)
    {
        var (set, _, config) = SyntheticCaptions.Task();
        var model = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1));
        return (new TrainingRun(new CrossEntropyObjective(model, set, options), runDirectory, evaluateDev, onNewBest), config);
    }

    private static TrainingState CheckpointState(string runDirectory, DecoderConfig config) =>
        TrainingCheckpoint.LoadWeights(Path.Combine(runDirectory, TrainingRun.CheckpointFile), new DecoderParameters(config), out _);

    private static List<JsonElement> Evaluations(string runDirectory) =>
        File.ReadLines(Path.Combine(runDirectory, CrossEntropyObjective.EpochsFile)).Select(line => JsonDocument.Parse(line).RootElement).ToList();

    [Fact]
    public void AStepBudgetStopsMidEpochWithACheckpointOfWhereTheRunStands()
    {
        string dir = Path.Combine(_runs, "budget");
        var (run, config) = Create(Options() with { MaxSteps = 7 }, dir);

        var result = run.Run(cancellation: TestContext.Current.CancellationToken);

        Assert.Equal("time or step budget reached", result.StopReason);
        Assert.Equal(7, result.State.Step);
        var saved = CheckpointState(dir, config);
        Assert.Equal((1, 2, 7L), (saved.Epoch, saved.BatchInEpoch, saved.Step));   // epoch 2, batch 3 is next
        Assert.Equal(8, File.ReadLines(Path.Combine(dir, CrossEntropyObjective.StepsFile)).Count());   // header + 7 steps
        Assert.Equal([1], Evaluations(dir).Select(e => e.GetProperty("epoch").GetInt32()));   // only the finished epoch is recorded
    }

    [Fact]
    public void ATimeBudgetThatIsAlreadySpentStopsBeforeTheFirstStep()
    {
        string dir = Path.Combine(_runs, "minutes");
        var (run, config) = Create(Options() with { MaxMinutes = 0 }, dir);

        var result = run.Run(cancellation: TestContext.Current.CancellationToken);

        Assert.Equal("time or step budget reached", result.StopReason);
        Assert.Equal(0, result.State.Step);
        Assert.Equal(0, CheckpointState(dir, config).Step);
    }

    [Fact]
    public void CancellingStopsAtTheNextBatchAndTheSameCommandResumesFromThere()
    {
        string dir = Path.Combine(_runs, "cancel");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var (run, config) = Create(Options() with { MaxSteps = 6 }, dir);

        var stopped = run.Run(new OnStep(p => { if (p.Step == 3) cancel.Cancel(); }), cancel.Token);

        Assert.Equal("cancelled", stopped.StopReason);
        Assert.Equal(3, stopped.State.Step);
        Assert.Equal(3, CheckpointState(dir, config).Step);
        var (again, _) = Create(Options() with { MaxSteps = 6 }, dir);
        var resumed = again.Run(cancellation: TestContext.Current.CancellationToken);
        Assert.True(resumed.Resumed);
        Assert.Equal(6, resumed.State.Step);
    }

    [Fact]
    public void OnlyImprovementsAreReportedAndPatienceCountsEvaluationsWithoutOne()
    {
        double[] devBleu = [0.10, 0.20, 0.15, 0.18, 0.19, 0.30];
        int calls = 0;
        var best = new List<int>();
        var (run, _) = Create(Options() with { Epochs = 6, Patience = 3 }, Path.Combine(_runs, "early"),
            _ => new DevScores(devBleu[calls++], new Dictionary<string, double>()), (_, state) => best.Add(state.Epoch));

        var result = run.Run(cancellation: TestContext.Current.CancellationToken);

        Assert.Equal([1, 2], best);          // improvements at epochs 1 and 2 only
        Assert.Equal(5, calls);              // epochs 3, 4, 5 bring nothing: stop after epoch 5
        Assert.Equal(0.20, result.State.BestDevBleu4);
        Assert.Equal((2, 10L), (result.State.BestEpoch, result.State.BestStep));
        Assert.StartsWith("early stop", result.StopReason);
    }

    [Fact]
    public void DevIsScoredEveryNStepsWithinAnEpochAndAtEveryEpochEnd()
    {
        string dir = Path.Combine(_runs, "every");
        int calls = 0;
        var (run, _) = Create(Options() with { Epochs = 2, EvaluateEverySteps = 2 }, dir,
            _ => new DevScores(0.1 * ++calls, new Dictionary<string, double> { ["bleu4"] = 0.1 * calls }));

        var result = run.Run(cancellation: TestContext.Current.CancellationToken);

        // Step 10 ends epoch 2: scored once, as the epoch end.
        Assert.Equal(["step 2", "step 4", "epoch 1", "step 6", "step 8", "epoch 2"],
            Evaluations(dir).Select(e => e.GetProperty("when").GetString()));
        Assert.Equal(6, calls);
        Assert.Equal("finished all epochs", result.StopReason);
        Assert.Equal(10, result.State.BestStep);
    }

    [Theory]
    [InlineData(0, 200)]
    [InlineData(3, 0)]
    public void SettingsTheLoopCannotRunWithAreRefusedBeforeItStarts(int epochs, int checkpointEvery)
    {
        var options = Options() with { Epochs = epochs, CheckpointEverySteps = checkpointEvery };
        Assert.Throws<ArgumentException>(() => Create(options, Path.Combine(_runs, "refused")));
        Assert.False(Directory.Exists(Path.Combine(_runs, "refused")));
    }
}
