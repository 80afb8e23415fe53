using ImageCaptioning.Data;
using ImageCaptioning.Decoding;
using ImageCaptioning.Model;
using ImageCaptioning.Training;
using ImageCaptioning.Training.Autograd;
using ImageCaptioning.Training.SelfCritical;

namespace ImageCaptioning.Tests.Training.SelfCritical;

/// <summary>
/// The audit of self-critical training's policy gradient: samples come from the weights as they are after every update,
/// the log-probability the loss weights is exactly the sampled caption's, and the baseline is the one asked for.
/// </summary>
public sealed class SelfCriticalPolicyTests
{
    /// <summary>A reward with an obvious optimum: the share of the caption's words that are "dog".</summary>
    private sealed class DogReward : ICaptionReward
    {
        public double Score(string imageId, GeneratedCaption caption) =>
            caption.Words.Count == 0 ? 0 : caption.Words.Count(w => w == "dog") / (double)caption.Words.Count;
    }

    private static SelfCriticalOptions Options(SelfCriticalBaseline baseline = SelfCriticalBaseline.OtherSamples) => new()
    {
        Epochs = 1, ImagesPerBatch = 6, SamplesPerImage = 4, MaxLength = 6, CheckpointEverySteps = 1000, Seed = 3, Baseline = baseline,
    };

    private static float[] Grids(TrainingSet set, IReadOnlyList<string> images)
    {
        int floats = set.Grids.Positions * set.Grids.Channels;
        var grids = new float[images.Count * floats];
        for (int i = 0; i < images.Count; i++)
        {
            Assert.True(set.Grids.TryGetIndex(images[i], out int index));
            set.Grids.CopyGrid(index, grids.AsSpan(i * floats, floats));
        }
        return grids;
    }

    [Fact]
    public void ThePolicySamplesFromTheWeightsAsTheyAreNotAsTheyWereWhenTrainingStarted()
    {
        var (set, vocabulary, config) = SyntheticCaptions.Task();
        var model = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1));
        var objective = new SelfCriticalObjective(model, vocabulary, set.Images, set.Grids, new DogReward(), Options());
        var tape = new Tape();
        double before = objective.Forward(tape, new BatchPosition(0, 0, 0)).Figures[0];
        tape.Reset();

        // An in-place change of one weight array, as the optimiser makes: "dog" becomes by far the likeliest word.
        model.Parameters.OutputBias[vocabulary.IdOf("dog")] += 100f;
        double after = objective.Forward(tape, new BatchPosition(0, 0, 1)).Figures[0];

        Assert.True(before < 0.5, $"mean reward {before:F3} before the change");
        Assert.Equal(1.0, after, 9);   // every sampled word is "dog"
    }

    [Fact]
    public void TheLossWeightsExactlyTheLogProbabilityOfEachSampledCaption()
    {
        var (set, vocabulary, config) = SyntheticCaptions.Task();
        var model = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 4));
        var images = set.Images.Take(5).ToArray();
        var grids = Grids(set, images);
        var generator = new CaptionGenerator(new AttentionDecoder(model.Parameters), vocabulary);
        var samples = generator.Generate(grids, images.Length,
            new DecodingOptions { Method = DecodingMethod.Sample, NBest = 4, MaxLength = 6, NoRepeatNGramSize = 0, Seed = 11 });
        var rewards = samples.Select(list => list.Select((_, k) => 0.1 * k).ToArray()).ToArray();
        Assert.Contains(samples.SelectMany(s => s), c => !c.Finished);   // both kinds of rows are checked
        Assert.Contains(samples.SelectMany(s => s), c => c.Finished);

        var (batch, _) = SelfCriticalBatch.Build(grids, grids.Length / images.Length, images, samples, rewards);
        // The objective's graph settings; the config's own dropout (0.1) must not apply.
        var output = DecoderGraph.Forward(new Tape(), model, batch, new DecoderGraph.Options(LabelSmoothing: 0f, CoverageLambda: 0f,
            KeepStepOutputs: true, Dropout: 0f), new Random(1));

        int width = batch.MaxSteps + 1, vocab = config.VocabSize;
        for (int b = 0; b < batch.Size; b++)
        {
            double logProbability = 0;
            for (int t = 0; t < batch.Lengths[b]; t++)
            {
                var logits = output.Logits[t].Values.Slice(b * vocab, vocab).ToArray();
                double max = logits.Max(), sum = logits.Sum(l => Math.Exp(l - max));
                logProbability += logits[batch.Tokens[b * width + t + 1]] - max - Math.Log(sum);
            }
            var tokens = batch.Tokens.Skip(b * width + 1).Take(batch.Lengths[b]).Where(id => id != Vocabulary.EndId).ToArray();
            int image = Array.IndexOf(images, batch.Images[b]);
            var sampled = samples[image].First(c => c.TokenIds.SequenceEqual(tokens));
            Assert.Equal(sampled.LogProbability, logProbability, 4);
        }
    }

    [Fact]
    public void TheGreedyBaselineIsTheRewardOfTheGreedyCaption()
    {
        GeneratedCaption Caption(int[] ids) => new(string.Join(' ', ids), ids.Select(i => $"w{i}").ToArray(), ids, -1.0, -1.0, true, []);
        var samples = new IReadOnlyList<GeneratedCaption>[] { [Caption([4]), Caption([5, 6])], [Caption([7])] };
        double[][] rewards = [[0.9, 0.2], [0.5]];
        var (batch, _) = SelfCriticalBatch.Build(new float[2], 1, ["x.jpg", "y.jpg"], samples, rewards, baselines: [0.4, 0.7]);

        // Rows longest first: [5, 6] (x), then [4] (x) and [7] (y).
        Assert.Equal(0.2f - 0.4f, batch.Weights![0], 6);
        var others = batch.Weights[1..].Order().Reverse().ToArray();
        Assert.Equal(0.9 - 0.4, others[0], 5);
        Assert.Equal(0.5 - 0.7, others[1], 5);
    }

    [Fact]
    public void WithTheGreedyBaselineTheSamplesOfAPolicyThatAlwaysWritesTheBestCaptionHaveNoAdvantage()
    {
        var (set, vocabulary, config) = SyntheticCaptions.Task();
        var model = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1));
        model.Parameters.OutputBias[vocabulary.IdOf("dog")] += 100f;   // every sample and the greedy caption: "dog dog …"
        var objective = new SelfCriticalObjective(model, vocabulary, set.Images, set.Grids, new DogReward(), Options(SelfCriticalBaseline.Greedy) with { SamplesPerImage = 1 });
        var figures = objective.Forward(new Tape(), new BatchPosition(0, 0, 0)).Figures;

        Assert.Equal(1.0, figures[0], 9);   // mean reward
        Assert.Equal(0.0, figures[2], 9);   // mean |advantage|
    }
}
