using ImageCaptioning.Data;
using ImageCaptioning.Decoding;
using ImageCaptioning.Model;
using ImageCaptioning.Training;

namespace ImageCaptioning.Tests.Training;

public sealed class TrainerTests : IDisposable
{
    private readonly string _runs = Directory.CreateTempSubdirectory("trainer-tests-").FullName;

    public void Dispose() => Directory.Delete(_runs, recursive: true);

    /// <summary>12 synthetic images whose captions depend on the image (so there is something to learn).</summary>
    internal static (TrainingSet Set, Vocabulary Vocabulary, DecoderConfig Config) SyntheticTask()
    {
        string[] subjects = ["dog", "cat", "man", "girl"], actions = ["runs", "jumps", "sits"], places = ["on grass", "in water", "near a wall"];
        var grids = new Dictionary<string, float[]>();
        var captions = new Dictionary<string, IReadOnlyList<string>>();
        var rng = new Random(5);
        for (int i = 0; i < 12; i++)
        {
            string name = $"img{i:D2}.jpg";
            var grid = new float[4 * 8];
            for (int k = 0; k < grid.Length; k++) grid[k] = rng.NextSingle() * 0.2f;
            grid[i % 4] += 2f; grid[8 + i % 3] += 2f; grid[16 + (i / 4) % 3] += 2f; // the image "shows" its subject, action and place
            grids[name] = grid;
            string sentence = $"a {subjects[i % 4]} {actions[i % 3]} {places[(i / 4) % 3]}";
            captions[name] = [sentence, sentence, sentence];
        }
        var vocabulary = Vocabulary.Build(captions.Values.SelectMany(c => c).Select(CaptionTokenizer.Tokenize), minCount: 1);
        var config = TinyDecoders.Config() with { VocabSize = vocabulary.Count, HiddenDim = 24, AttentionDim = 12, FeatureDim = 12, EmbeddingDim = 12, Dropout = 0.1f };
        var set = TrainingSet.Create(captions.Keys.ToList(), captions, vocabulary, new InMemoryGridSource(grids, 4, 8), maxWords: 20);
        return (set, vocabulary, config);
    }

    private static TrainingOptions Options(long maxSteps) => new()
    {
        Epochs = 1000, BatchSize = 8, LearningRate = 3e-3f, WarmupSteps = 10, MaxSteps = maxSteps, LabelSmoothing = 0f, CheckpointEverySteps = 1000, Seed = 11,
    };

    private static List<double> CrossEntropies(string runDirectory) =>
        File.ReadLines(Path.Combine(runDirectory, TrainingLog.StepsFile)).Skip(1)
            .Select(line => double.Parse(line.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture)).ToList();

    [Fact]
    public void LossDropsByAClearMarginOnASmallTask()
    {
        var (set, _, config) = SyntheticTask();
        var model = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1));
        string run = Path.Combine(_runs, "drop");
        var result = new Trainer(model, set, Options(maxSteps: 200), run).Run(cancellation: TestContext.Current.CancellationToken);

        Assert.Equal(200, result.State.Step);
        var ce = CrossEntropies(run);
        double first = ce.Take(5).Average(), last = ce.TakeLast(5).Average();
        Assert.True(last < 0.35 * first, $"cross-entropy went from {first:F3} to {last:F3}");
    }

    [Fact]
    public void AnInterruptedRunResumesToExactlyTheSameWeights()
    {
        var (set, _, config) = SyntheticTask();

        var straight = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1));
        new Trainer(straight, set, Options(maxSteps: 30), Path.Combine(_runs, "straight")).Run(cancellation: TestContext.Current.CancellationToken);

        // Stop at step 17 (mid-epoch: 36 captions / 8 = 5 batches per epoch), then resume in a fresh model object.
        string run = Path.Combine(_runs, "resumed");
        new Trainer(new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1)), set, Options(maxSteps: 17), run).Run(cancellation: TestContext.Current.CancellationToken);
        var resumed = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 999)); // different init: all must come from the checkpoint
        var result = new Trainer(resumed, set, Options(maxSteps: 30), run).Run(cancellation: TestContext.Current.CancellationToken);

        Assert.True(result.Resumed);
        Assert.Equal(30, result.State.Step);
        foreach (var (name, data, _) in straight.Parameters.Tensors)
            Assert.True(data.AsSpan().SequenceEqual(resumed.Parameters[name]), $"{name} differs after resume");
        Assert.Equal(30, CrossEntropies(run).Count); // the log continues rather than restarting
    }

    [Fact]
    public void EarlyStoppingKeepsTheBestEpochAndStopsAfterPatience()
    {
        var (set, _, config) = SyntheticTask();
        var model = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1));
        double[] devBleu = [0.10, 0.20, 0.15, 0.18, 0.19, 0.30];
        int calls = 0;
        var best = new List<int>();
        var options = Options(maxSteps: 10_000) with { Epochs = 6, Patience = 3 };
        var result = new Trainer(model, set, options, Path.Combine(_runs, "early"),
            _ => new Trainer.DevScores(devBleu[calls++], new Dictionary<string, double>()),
            (_, epoch) => best.Add(epoch)).Run(cancellation: TestContext.Current.CancellationToken);

        Assert.Equal([1, 2], best);          // improvements at epochs 1 and 2 only
        Assert.Equal(5, calls);              // epochs 3, 4, 5 bring nothing: stop after epoch 5
        Assert.Equal(0.20, result.State.BestDevBleu4);
        Assert.StartsWith("early stop", result.StopReason);
    }

    [Fact]
    public void TheTrainedWeightsCaptionTheTrainingImages()
    {
        var (set, vocabulary, config) = SyntheticTask();
        var model = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1));
        new Trainer(model, set, Options(maxSteps: 1000), Path.Combine(_runs, "fit")).Run(cancellation: TestContext.Current.CancellationToken);

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
