using ImageCaptioning.Data;
using ImageCaptioning.Decoding;
using ImageCaptioning.Model;
using ImageCaptioning.Training;
using ImageCaptioning.Training.Autograd;
using ImageCaptioning.Training.SelfCritical;

namespace ImageCaptioning.Tests.Training.SelfCritical;

/// <summary>The optional w × cross-entropy of the references in self-critical training (<see cref="SelfCriticalOptions.XeWeight"/>).</summary>
public sealed class ReferenceCrossEntropyTests
{
    /// <summary>A reward that varies between samples, so the policy-gradient part is not zero.</summary>
    private sealed class WordCountReward : ICaptionReward
    {
        public double Score(string imageId, GeneratedCaption caption) => caption.Words.Count(w => w is "dog" or "runs") / 4.0;
    }

    private static SelfCriticalOptions Options(float xeWeight) => new()
    {
        ImagesPerBatch = 12, SamplesPerImage = 4, MaxLength = 8, Temperature = 0.7f, CoverageLambda = 0f, Seed = 3, XeWeight = xeWeight,
    };

    private static Dictionary<string, IReadOnlyList<int[]>> References(TrainingSet set) =>
        set.Examples.GroupBy(e => e.Image).ToDictionary(g => g.Key, g => (IReadOnlyList<int[]>)g.Select(e => e.Words).ToArray());

    /// <summary>One step's loss and the gradient of every parameter, from a fresh copy of the same model.</summary>
    private static (float Loss, Dictionary<string, float[]> Gradients, BatchLoss Batch) Step(SelfCriticalOptions options,
        IReadOnlyDictionary<string, IReadOnlyList<int[]>>? references)
    {
        var (set, vocabulary, config) = SyntheticCaptions.Task();
        var model = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1));
        var objective = new SelfCriticalObjective(model, vocabulary, set.Images, set.Grids, new WordCountReward(), options, references);
        var tape = new Tape();
        var batch = objective.Forward(tape, new BatchPosition(0, 0, 0));
        tape.Backward(batch.Loss);
        return (batch.Loss.Item, model.Tensors.ToDictionary(t => t.Name, t => t.Tensor.Grad.ToArray()), batch);
    }

    [Fact]
    public void WeightZeroLeavesTheLossGradientsAndLogExactlyAsWithoutTheTerm()
    {
        var (set, _, _) = SyntheticCaptions.Task();
        var without = Step(Options(0f), references: null);
        var withReferences = Step(Options(0f) with { XeLabelSmoothing = 0.3f, XeReferencesPerImage = 3 }, References(set));

        Assert.Equal(without.Loss, withReferences.Loss);
        Assert.Equal(4, withReferences.Batch.Figures.Length);   // no reference_ce column
        foreach (var (name, gradient) in without.Gradients)
            Assert.True(gradient.AsSpan().SequenceEqual(withReferences.Gradients[name]), $"{name}: the gradient changed");
    }

    [Fact]
    public void TheCombinedLossIsThePolicyGradientPlusWTimesTheReferenceCrossEntropy()
    {
        const float w = 0.3f;
        var (set, _, config) = SyntheticCaptions.Task();
        var references = References(set);
        var combined = Step(Options(w), references);
        var policy = Step(Options(0f), null);

        // The reference term on its own: the same images (all 12), the first reference of each in epoch 0, plain teacher forcing.
        var model = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1));
        int gridFloats = set.Grids.Positions * set.Grids.Channels;
        var grids = new float[set.Images.Count * gridFloats];
        for (int i = 0; i < set.Images.Count; i++)
        {
            Assert.True(set.Grids.TryGetIndex(set.Images[i], out int index));
            set.Grids.CopyGrid(index, grids.AsSpan(i * gridFloats, gridFloats));
        }
        var batch = ReferenceBatch.Build(grids, gridFloats, set.Images, set.Images.Select(image => (IReadOnlyList<int[]>)[references[image][0]]).ToArray());
        var tape = new Tape();
        var referenceLoss = DecoderGraph.Forward(tape, model, batch, new DecoderGraph.Options(LabelSmoothing: 0.1f, CoverageLambda: 0f, Dropout: 0f), new Random(1)).Loss;
        tape.Backward(referenceLoss);

        Assert.True(referenceLoss.Item > 1f, $"a random model's cross-entropy of the references: {referenceLoss.Item}");
        Assert.Equal(policy.Loss + w * referenceLoss.Item, combined.Loss, 1e-5f);
        Assert.Equal(referenceLoss.Item, combined.Batch.Figures[^1], 1e-5);    // logged as reference_ce
        double largestTermDifference = 0;
        foreach (var (name, tensor) in model.Tensors)
        {
            var pg = policy.Gradients[name]; var xe = tensor.Grad; var both = combined.Gradients[name];
            for (int i = 0; i < both.Length; i++)
            {
                Assert.True(Math.Abs(both[i] - (pg[i] + w * xe[i])) <= 1e-5f, $"{name}[{i}]: {both[i]} vs {pg[i]} + {w}·{xe[i]}");
                largestTermDifference = Math.Max(largestTermDifference, Math.Abs(w * xe[i]));
            }
        }
        Assert.True(largestTermDifference > 1e-3, "the reference term should move the gradients");
    }

    [Fact]
    public void ReferencesRotateEpochByEpochAndBecomeATeacherForcingBatch()
    {
        int[][] all = [[4], [5, 6], [7, 8, 9]];
        Assert.Equal([all[0]], ReferenceBatch.Pick(all, epoch: 0, count: 1));
        Assert.Equal([all[1]], ReferenceBatch.Pick(all, epoch: 1, count: 1));
        Assert.Equal([all[2], all[0]], ReferenceBatch.Pick(all, epoch: 1, count: 2));   // from 1·2, wrapping
        Assert.Equal(all, ReferenceBatch.Pick(all, epoch: 5, count: 9));                // never more than there are

        var batch = ReferenceBatch.Build([1, 1, 2, 2], 2, ["x.jpg", "y.jpg"], [[all[0]], [all[2], all[1]]]);
        Assert.Equal([4, 3, 2], batch.Lengths);          // words + <end>, longest first
        Assert.Null(batch.Weights);
        Assert.Equal(["y.jpg", "y.jpg", "x.jpg"], batch.Images);
        Assert.Equal([2f, 2f, 2f, 2f, 1f, 1f], batch.Grids);
        Assert.Equal([Vocabulary.StartId, 7, 8, 9, Vocabulary.EndId], batch.Tokens[..5]);
        Assert.Equal([Vocabulary.StartId, 4, Vocabulary.EndId, Vocabulary.PadId, Vocabulary.PadId], batch.Tokens[10..15]);
    }

    [Fact]
    public void AWeightWithoutReferencesOrANegativeWeightIsRefused()
    {
        var (set, vocabulary, config) = SyntheticCaptions.Task();
        var model = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1));
        Assert.Throws<ArgumentException>(() => new SelfCriticalObjective(model, vocabulary, set.Images, set.Grids, new WordCountReward(), Options(0.5f)));
        Assert.Throws<ArgumentException>(() => Options(-0.1f).Validate());
        Assert.Throws<ArgumentException>(() => (Options(0.1f) with { XeReferencesPerImage = 0 }).Validate());
    }
}
