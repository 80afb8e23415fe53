using ImageCaptioning.Data;
using ImageCaptioning.Decoding;
using ImageCaptioning.Model;
using ImageCaptioning.Training;

namespace ImageCaptioning.Tests.Training;

/// <summary>Teacher-forced training through <see cref="TrainingRun"/>: it learns, and a resumed run is the same run.</summary>
public sealed class CrossEntropyObjectiveTests : IDisposable
{
    private readonly string _runs = Directory.CreateTempSubdirectory("cross-entropy-tests-").FullName;

    public void Dispose() => Directory.Delete(_runs, recursive: true);

    private static TrainingOptions Options(long maxSteps) => new()
    {
        Epochs = 1000, BatchSize = 8, LearningRate = 3e-3f, WarmupSteps = 10, MaxSteps = maxSteps, LabelSmoothing = 0f, CheckpointEverySteps = 1000, Seed = 11,
    };

    private static TrainingRun Run(TrainableDecoder model, TrainingSet set, TrainingOptions options, string runDirectory) =>
        new(new CrossEntropyObjective(model, set, options), runDirectory);

    private static List<double> CrossEntropies(string runDirectory) =>
        File.ReadLines(Path.Combine(runDirectory, CrossEntropyObjective.StepsFile)).Skip(1)
            .Select(line => double.Parse(line.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture)).ToList();

    [Fact]
    public void LossDropsByAClearMarginOnASmallTask()
    {
        var (set, _, config) = SyntheticCaptions.Task();
        var model = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1));
        string run = Path.Combine(_runs, "drop");
        var result = Run(model, set, Options(maxSteps: 200), run).Run(cancellation: TestContext.Current.CancellationToken);

        Assert.Equal(200, result.State.Step);
        var ce = CrossEntropies(run);
        double first = ce.Take(5).Average(), last = ce.TakeLast(5).Average();
        Assert.True(last < 0.35 * first, $"cross-entropy went from {first:F3} to {last:F3}");
    }

    [Fact]
    public void AnInterruptedRunResumesToExactlyTheSameWeights()
    {
        var (set, _, config) = SyntheticCaptions.Task();

        var straight = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1));
        Run(straight, set, Options(maxSteps: 30), Path.Combine(_runs, "straight")).Run(cancellation: TestContext.Current.CancellationToken);

        // Stop at step 17 (mid-epoch: 36 captions / 8 = 5 batches per epoch), then resume in a fresh model object.
        string run = Path.Combine(_runs, "resumed");
        Run(new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1)), set, Options(maxSteps: 17), run).Run(cancellation: TestContext.Current.CancellationToken);
        var resumed = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 999)); // different init: all must come from the checkpoint
        var result = Run(resumed, set, Options(maxSteps: 30), run).Run(cancellation: TestContext.Current.CancellationToken);

        Assert.True(result.Resumed);
        Assert.Equal(30, result.State.Step);
        foreach (var (name, data, _) in straight.Parameters.Tensors)
            Assert.True(data.AsSpan().SequenceEqual(resumed.Parameters[name]), $"{name} differs after resume");
        Assert.Equal(30, CrossEntropies(run).Count); // the log continues rather than restarting
    }

    [Fact]
    public void TheTrainedWeightsCaptionTheTrainingImages()
    {
        var (set, vocabulary, config) = SyntheticCaptions.Task();
        var model = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1));
        Run(model, set, Options(maxSteps: 1000), Path.Combine(_runs, "fit")).Run(cancellation: TestContext.Current.CancellationToken);

        var generator = new CaptionGenerator(new AttentionDecoder(model.Parameters), vocabulary);
        int correct = 0;
        var wrong = new List<string>();
        foreach (string image in set.Images)
        {
            set.Grids.TryGetIndex(image, out int index);
            var grid = new float[32];
            set.Grids.CopyGrid(index, grid);
            string expected = vocabulary.Decode(set.Examples.First(e => e.Image == image).Words);
            string got = generator.Generate(grid, new DecodingOptions { BeamWidth = 3 })[0].Text;
            if (got == expected) correct++;
            else wrong.Add($"'{got}' instead of '{expected}'");
        }
        Assert.True(correct >= 10, $"only {correct} of 12 training captions reproduced: {string.Join("; ", wrong)}");
    }
}
