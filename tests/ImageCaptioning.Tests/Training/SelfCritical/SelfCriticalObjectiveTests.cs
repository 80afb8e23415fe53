using System.Globalization;
using ImageCaptioning.Decoding;
using ImageCaptioning.Model;
using ImageCaptioning.Training;
using ImageCaptioning.Training.SelfCritical;

namespace ImageCaptioning.Tests.Training.SelfCritical;

/// <summary>Self-critical training through <see cref="TrainingRun"/>: the policy follows the reward, resume is exact, only better models are saved.</summary>
public sealed class SelfCriticalObjectiveTests : IDisposable
{
    private readonly string _runs = Directory.CreateTempSubdirectory("scst-tests-").FullName;

    public void Dispose() => Directory.Delete(_runs, recursive: true);

    /// <summary>A reward with an obvious optimum: the share of the caption's words that are "dog".</summary>
    private sealed class DogReward : ICaptionReward
    {
        public double Score(string imageId, GeneratedCaption caption) =>
            caption.Words.Count == 0 ? 0 : caption.Words.Count(w => w == "dog") / (double)caption.Words.Count;
    }

    private static SelfCriticalOptions Options(long maxSteps) => new()
    {
        Epochs = 1000, ImagesPerBatch = 6, SamplesPerImage = 4, LearningRate = 1e-2f, WarmupSteps = 5, MaxLength = 8,
        MaxSteps = maxSteps, CheckpointEverySteps = 1000, Seed = 3,
    };

    private static TrainingRun Run(TrainableDecoder model, ImageCaptioning.Data.Vocabulary vocabulary, TrainingSet set, SelfCriticalOptions options, string runDirectory,
        Func<AttentionDecoder, DevScores>? evaluateDev = null, Action<DevScores, TrainingState>? onNewBest = null) =>
        new(new SelfCriticalObjective(model, vocabulary, set.Images, set.Grids, new DogReward(), options), runDirectory, evaluateDev, onNewBest);

    private static List<double> MeanRewards(string run) =>
        File.ReadLines(Path.Combine(run, SelfCriticalObjective.StepsFile)).Skip(1)
            .Select(line => double.Parse(line.Split(',')[3], CultureInfo.InvariantCulture)).ToList();

    [Fact]
    public void ThePolicyMovesTowardsWhatTheRewardPays()
    {
        var (set, vocabulary, config) = SyntheticCaptions.Task();
        var model = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1));
        string run = Path.Combine(_runs, "dog");
        Run(model, vocabulary, set, Options(maxSteps: 120), run).Run(cancellation: TestContext.Current.CancellationToken);

        var rewards = MeanRewards(run);
        Assert.Equal(120, rewards.Count);
        double first = rewards.Take(10).Average(), last = rewards.TakeLast(10).Average();
        Assert.True(first < 0.25 && last > 0.6, $"mean reward went from {first:F3} to {last:F3}");
    }

    [Fact]
    public void AnInterruptedRunResumesToExactlyTheSameWeights()
    {
        var (set, vocabulary, config) = SyntheticCaptions.Task();
        var straight = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1));
        Run(straight, vocabulary, set, Options(12), Path.Combine(_runs, "straight")).Run(cancellation: TestContext.Current.CancellationToken);

        string run = Path.Combine(_runs, "resumed");
        Run(new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1)), vocabulary, set, Options(5), run).Run(cancellation: TestContext.Current.CancellationToken);   // stops mid-epoch (2 steps per epoch)
        var resumed = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 77));
        var result = Run(resumed, vocabulary, set, Options(12), run).Run(cancellation: TestContext.Current.CancellationToken);

        Assert.True(result.Resumed);
        foreach (var (name, data, _) in straight.Parameters.Tensors)
            Assert.True(data.AsSpan().SequenceEqual(resumed.Parameters[name]), $"{name} differs after resume");
    }

    [Fact]
    public void OnlyModelsBetterThanTheStartingOneAreSavedAndPatienceStopsTheRun()
    {
        var (set, vocabulary, config) = SyntheticCaptions.Task();
        var model = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1));
        double[] devBleu = [0.20, 0.15, 0.25, 0.22, 0.24, 0.21, 0.5];   // start, then one evaluation per epoch
        int calls = 0;
        var saved = new List<long>();
        var options = Options(10_000) with { Epochs = 10, Patience = 3 };
        var result = Run(model, vocabulary, set, options, Path.Combine(_runs, "early"),
            _ => new DevScores(devBleu[calls++], new Dictionary<string, double>()), (_, state) => saved.Add(state.Step))
            .Run(cancellation: TestContext.Current.CancellationToken);

        Assert.Equal([4L], saved);               // epoch 2 (steps 3–4) is the only one to beat the start's 0.20
        Assert.Equal(6, calls);                  // start + 5 epochs: epochs 3, 4, 5 bring nothing
        Assert.Equal(0.25, result.State.BestDevBleu4);
        Assert.StartsWith("early stop", result.StopReason);
    }
}
