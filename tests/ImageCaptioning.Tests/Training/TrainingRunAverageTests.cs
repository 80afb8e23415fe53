using System.Text.Json;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Training;

namespace ImageCaptioning.Tests.Training;

/// <summary>--average-decay in the loop: dev and the saved model see the moving average, training the raw weights, resume is exact.</summary>
public sealed class TrainingRunAverageTests : IDisposable
{
    private readonly string _runs = Directory.CreateTempSubdirectory("training-average-tests-").FullName;

    public void Dispose() => Directory.Delete(_runs, recursive: true);

    // 36 captions / 8 per batch = 5 batches per epoch.
    private static TrainingOptions Options(float decay, long maxSteps) => new()
    {
        Epochs = 1000, BatchSize = 8, LearningRate = 3e-3f, WarmupSteps = 10, LabelSmoothing = 0f, CheckpointEverySteps = 1000, Seed = 11,
        EvaluateEverySteps = 2, AverageDecay = decay, MaxSteps = maxSteps,
    };

    /// <summary>A run whose dev score rises at every evaluation (so each one saves) and records the weights it was shown.</summary>
    private sealed class Probe
    {
        public List<float[][]> Evaluated { get; } = [];
        public List<float[][]> Saved { get; } = [];
        public TrainableDecoder Model { get; private set; } = null!;

        public TrainingRun Create(TrainingOptions options, string runDirectory)
        {
            var (set, _, config) = SyntheticCaptions.Task();
            Model = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1));
            return new TrainingRun(new CrossEntropyObjective(Model, set, options), runDirectory,
                decoder => { Evaluated.Add(Snapshot(decoder.Parameters)); return new DevScores(Evaluated.Count, new Dictionary<string, double>()); },
                (_, _) => Saved.Add(Snapshot(Model.Parameters)));
        }
    }

    private static float[][] Snapshot(DecoderParameters parameters) => parameters.Tensors.Select(t => t.Data.ToArray()).ToArray();

    private string Checkpoint(string run) => Path.Combine(_runs, run, TrainingRun.CheckpointFile);

    private float[][] CheckpointWeights(string run, DecoderConfig config, bool averaged)
    {
        var parameters = new DecoderParameters(config);
        TrainingCheckpoint.LoadWeights(Checkpoint(run), parameters, out _, averaged);
        return Snapshot(parameters);
    }

    private static void Run(TrainingRun run) => run.Run(cancellation: TestContext.Current.CancellationToken);

    [Fact]
    public void WithDecayZeroTheRunKeepsNoAverageAndDevAndSavingSeeTheTrainingWeights()
    {
        Assert.Equal(0f, new TrainingOptions().AverageDecay);
        var probe = new Probe();
        Run(probe.Create(Options(0f, 4), Path.Combine(_runs, "off")));

        Assert.Null(TrainingCheckpoint.AverageDecay(Checkpoint("off")));
        Assert.DoesNotContain(SafeTensorsFile.Read(Checkpoint("off")).Keys, name => name.StartsWith("average.", StringComparison.Ordinal));
        var raw = Snapshot(probe.Model.Parameters);
        Assert.Equal(raw, probe.Evaluated[^1]);        // evaluated at step 4, the last step
        Assert.Equal(raw, probe.Saved[^1]);
        Assert.Equal(raw, CheckpointWeights("off", probe.Model.Config, averaged: true));
    }

    [Fact]
    public void TheAverageAfterTwoStepsIsTheHandComputedOne()
    {
        const float d = 0.75f;
        var probe = new Probe();
        var run = probe.Create(Options(d, 2) with { EvaluateEverySteps = 0 }, Path.Combine(_runs, "two"));
        var weights = new List<float[][]> { Snapshot(probe.Model.Parameters) };   // w0: the starting weights

        run.Run(new OnStep(p => { if (p.Message is null) weights.Add(Snapshot(probe.Model.Parameters)); }), TestContext.Current.CancellationToken);

        Assert.Equal(3, weights.Count);
        var averaged = CheckpointWeights("two", probe.Model.Config, averaged: true);
        for (int k = 0; k < averaged.Length; k++)
            for (int i = 0; i < averaged[k].Length; i++)
            {
                double expected = d * d * weights[0][k][i] + d * (1 - d) * weights[1][k][i] + (1 - d) * weights[2][k][i];
                Assert.Equal(expected, averaged[k][i], tolerance: 1e-6);
            }
        Assert.Equal(weights[2], CheckpointWeights("two", probe.Model.Config, averaged: false));
        Assert.Equal((float?)d, TrainingCheckpoint.AverageDecay(Checkpoint("two")));
    }

    [Fact]
    public void DevAndTheSavedModelSeeTheAverageWhileTrainingGoesOnWithTheRawWeights()
    {
        var plain = new Probe();
        Run(plain.Create(Options(0f, 4), Path.Combine(_runs, "plain")));
        var averaging = new Probe();
        Run(averaging.Create(Options(0.9f, 4), Path.Combine(_runs, "averaging")));

        var raw = Snapshot(averaging.Model.Parameters);
        Assert.Equal(Snapshot(plain.Model.Parameters), raw);   // the average never feeds back into training
        var averaged = CheckpointWeights("averaging", averaging.Model.Config, averaged: true);
        Assert.NotEqual(raw, averaged);
        Assert.Equal(averaged, averaging.Evaluated[^1]);       // evaluated at step 4, the last step
        Assert.Equal(averaged, averaging.Saved[^1]);
        Assert.Equal(raw, CheckpointWeights("averaging", averaging.Model.Config, averaged: false));
        Assert.Equal(2, averaging.Evaluated.Count);
    }

    [Fact]
    public void AResumedRunEndsExactlyWhereAnUninterruptedOneDoes()
    {
        Run(new Probe().Create(Options(0.9f, 7), Path.Combine(_runs, "straight")));
        Run(new Probe().Create(Options(0.9f, 3), Path.Combine(_runs, "resumed")));
        Run(new Probe().Create(Options(0.9f, 7), Path.Combine(_runs, "resumed")));

        var straight = SafeTensorsFile.Read(Checkpoint("straight"));
        var resumed = SafeTensorsFile.Read(Checkpoint("resumed"));
        Assert.Equal(straight.Keys.Order(), resumed.Keys.Order());
        Assert.Contains(straight.Keys, name => name.StartsWith("average.", StringComparison.Ordinal));
        foreach (var (name, entry) in straight) Assert.Equal(entry.Data, resumed[name].Data);   // weights, Adam moments and the average
    }

    [Fact]
    public void ACheckpointWithoutAnAverageStartsItAtTheResumedWeights()
    {
        var before = new Probe();
        Run(before.Create(Options(0f, 3), Path.Combine(_runs, "older")));
        var atResume = Snapshot(before.Model.Parameters);
        var after = new Probe();
        Run(after.Create(Options(0.5f, 4), Path.Combine(_runs, "older")));

        var raw = Snapshot(after.Model.Parameters);
        var averaged = CheckpointWeights("older", after.Model.Config, averaged: true);
        for (int k = 0; k < averaged.Length; k++)
            for (int i = 0; i < averaged[k].Length; i++)
                Assert.Equal(0.5f * atResume[k][i] + 0.5f * raw[k][i], averaged[k][i]);
        using var options = JsonDocument.Parse(File.ReadAllText(Path.Combine(_runs, "older", CrossEntropyObjective.OptionsFile)));
        Assert.Equal(0.5f, options.RootElement.GetProperty(nameof(TrainingRunOptions.AverageDecay)).GetSingle());
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void ADecayOutsideZeroToOneIsRefusedBeforeTheRunStarts(float decay)
    {
        var error = Assert.Throws<ArgumentException>(() => new Probe().Create(Options(decay, 1), Path.Combine(_runs, "refused")));
        Assert.Contains("average decay", error.Message);
        Assert.False(Directory.Exists(Path.Combine(_runs, "refused")));
    }
}
