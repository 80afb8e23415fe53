using ImageCaptioning.Attention;
using ImageCaptioning.Model;
using ImageCaptioning.Training;
using ImageCaptioning.Training.Autograd;

namespace ImageCaptioning.Tests.Training;

/// <summary>One definition of the math: the training graph and the inference decoder agree for the same weights.</summary>
public class DecoderParityTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData(DecoderConfig.LearnedInitialState, false)]
    [InlineData(null, true)]    // 196 × 1856: the 14×14+7×7 grid, each parent cell projected once
    public void TrainingGraphAndInferenceDecoderGiveTheSameLogProbsAndAttention(string? initialState, bool parentCells)
    {
        var config = (parentCells ? TinyDecoders.ParentCellConfig() : TinyDecoders.Config()) with { InitialState = initialState };
        Assert.Equal(parentCells, config.ParentCells is not null);
        var parameters = DecoderParameters.CreateRandom(config, seed: 7);
        var grids = TinyDecoders.GridsFor(3, config, seed: 8);
        int[][] words = [[4, 5, 6, 7], [8, 9, 4], [10, 11]];
        var batch = TinyDecoders.Batch(grids, words);

        // Training graph (recording gradients, dropout 0) with per-step outputs kept.
        var tape = new Tape();
        var model = new TrainableDecoder(parameters);
        var output = DecoderGraph.Forward(tape, model, batch, new DecoderGraph.Options(KeepStepOutputs: true), new Random(1));
        tape.Backward(output.Loss); // the same graph also differentiates

        // Inference decoder, one caption at a time, fed the same tokens (teacher forcing).
        var decoder = new AttentionDecoder(parameters);
        int P = config.Positions, E = config.EncoderDim, V = config.VocabSize;
        var graphLogProbs = new float[V];
        double maxDifference = 0;
        for (int b = 0; b < words.Length; b++)
        {
            var ws = decoder.CreateWorkspace(maxRows: 1, maxImages: 1);
            decoder.PrepareImages(grids.AsSpan(b * P * E, P * E), 1, ws);
            decoder.StartRows(ws, images: 1, rowsPerImage: 1, startToken: 1);
            int[] tokens = [1, .. words[b]];
            for (int t = 0; t < tokens.Length; t++)
            {
                ws.Tokens[0] = tokens[t];
                decoder.Step(ws);
                DecoderKernels.LogSoftmaxRows(output.Logits[t].Values.Slice(b * V, V), graphLogProbs, 1, V);
                for (int j = 0; j < V; j++)
                    maxDifference = Math.Max(maxDifference, Math.Abs(graphLogProbs[j] - ws.LogProbs[j]));
                for (int i = 0; i < P; i++)
                    maxDifference = Math.Max(maxDifference, Math.Abs(output.Alphas[t].Values[b * P + i] - ws.Alpha[i]));
            }
        }
        Assert.True(maxDifference < 1e-5, $"training and inference differ by {maxDifference}");
    }

    [Fact]
    public void FeatureAndEmbeddingDropoutChangeTrainingOnlyAndAdvantageWeightsScaleTheLoss()
    {
        var config = TinyDecoders.Config();
        var model = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 7));
        var batch = TinyDecoders.Batch(TinyDecoders.RandomGrids(2, config, seed: 8), [[4, 5, 6], [7, 8]]);
        float Loss(DecoderGraph.Options options, bool training, CaptionBatch b) =>
            DecoderGraph.Forward(new Tape { Training = training }, model, b, options, new Random(3)).CrossEntropySum.Item;

        var plain = new DecoderGraph.Options(CoverageLambda: 0f);
        var dropped = plain with { FeatureDropout = 0.5f, EmbeddingDropout = 0.5f };
        Assert.NotEqual(Loss(plain, true, batch), Loss(dropped, true, batch));
        Assert.Equal(Loss(plain, false, batch), Loss(dropped, false, batch));   // inference: identity, the shared math is untouched

        // Per-caption weights (self-critical advantages) multiply each caption's summed cross-entropy.
        var weighted = new CaptionBatch(batch.Grids, batch.Tokens, batch.Lengths, batch.Images, [2f, -0.5f]);
        var first = TinyDecoders.Batch(batch.Grids[..(config.Positions * config.EncoderDim)], [[4, 5, 6]]);
        var second = TinyDecoders.Batch(batch.Grids[(config.Positions * config.EncoderDim)..], [[7, 8]]);
        Assert.Equal(2f * Loss(plain, false, first) - 0.5f * Loss(plain, false, second), Loss(plain, false, weighted), 4);
    }

    [Fact]
    public void TheEntropyPenaltyOverChosenTargetsCountsTheRowsThatPredictThem()
    {
        var config = TinyDecoders.Config();
        var model = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 3));
        var batch = TinyDecoders.Batch(TinyDecoders.GridsFor(2, config, seed: 4), [[4, 5, 6], [7, 8]]);
        var all = new DecoderGraph.Options(CoverageLambda: 0f, KeepStepOutputs: true, AttentionEntropy: 0.5f);
        DecoderGraph.Output Run(DecoderGraph.Options options) => DecoderGraph.Forward(new Tape { Training = false }, model, batch, options, new Random(1));
        bool[] Targets(params int[] ids) => [.. Enumerable.Range(0, config.VocabSize).Select(ids.Contains)];

        var every = Run(all);
        Assert.Equal(every.AttentionEntropy.Item, Run(all with { EntropyTargets = Targets([.. Enumerable.Range(0, config.VocabSize)]) }).AttentionEntropy.Item);
        Assert.Equal(0f, Run(all with { EntropyTargets = Targets() }).AttentionEntropy.Item);

        // Only the rows whose next word is 5 or 8: by hand from the kept α, with each row's target read from the batch.
        var chosen = Run(all with { EntropyTargets = Targets(5, 8) });
        var entropies = new List<double>();
        for (int t = 0; t < batch.MaxSteps; t++)
        {
            int rows = batch.ActiveRows(t);
            var targets = new int[rows];
            batch.TokensAt(t + 1, rows, targets);
            for (int r = 0; r < rows; r++)
                if (targets[r] is 5 or 8)
                    entropies.Add(AttentionStatistics.NormalizedEntropy(every.Alphas[t].Values.Slice(r * config.Positions, config.Positions)));
        }
        Assert.Equal(2, entropies.Count);
        Assert.Equal(0.5 * entropies.Average(), chosen.AttentionEntropy.Item, 5);
        Assert.Equal(every.CrossEntropySum.Item, chosen.CrossEntropySum.Item);   // the penalty's rows leave the likelihood alone
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]    // 196 × 1856: the feature projection takes the parent-cell path
    public void TheFullDecoderGraphHasCorrectGradients(bool parentCells)
    {
        // Finite differences through the whole unrolled decoder for a sample of parameters.
        var config = parentCells ? TinyDecoders.ParentCellConfig() : TinyDecoders.Config();
        var parameters = DecoderParameters.CreateRandom(config, seed: 3);
        var batch = TinyDecoders.Batch(TinyDecoders.GridsFor(2, config, seed: 4), [[4, 5, 6], [7, 8]]);
        var model = new TrainableDecoder(parameters);
        var options = new DecoderGraph.Options(LabelSmoothing: 0.1f, CoverageLambda: 1f, AttentionEntropy: 0.5f);

        var tape = new Tape();
        model.ZeroGrad();
        tape.Backward(DecoderGraph.Forward(tape, model, batch, options, new Random(1)).Loss);
        tape.Reset();

        var eval = new Tape { Training = false };
        var rng = new Random(5);
        foreach (var (name, tensor) in model.Tensors)
        {
            for (int probe = 0; probe < 3; probe++)
            {
                int i = rng.Next(tensor.Length);
                float saved = tensor.Data[i];
                const float eps = 1e-2f;
                tensor.Data[i] = saved + eps;
                float plus = DecoderGraph.Forward(eval, model, batch, options, new Random(1)).Loss.Item; eval.Reset();
                tensor.Data[i] = saved - eps;
                float minus = DecoderGraph.Forward(eval, model, batch, options, new Random(1)).Loss.Item; eval.Reset();
                tensor.Data[i] = saved;
                float numeric = (plus - minus) / (2 * eps), analytic = tensor.Grad[i];
                Assert.True(Math.Abs(numeric - analytic) <= 1e-2f * Math.Abs(numeric) + 2e-4f,
                    $"{name}[{i}]: analytic {analytic} vs numeric {numeric}");
            }
        }
    }
}
