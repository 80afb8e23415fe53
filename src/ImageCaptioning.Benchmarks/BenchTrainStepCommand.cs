using System.CommandLine;
using ImageCaptioning.Model;
using ImageCaptioning.Numerics;
using ImageCaptioning.Training;
using ImageCaptioning.Training.Autograd;
using ImageCaptioning.Training.Optimization;

using ImageCaptioning.Benchmarks.Harness;

namespace ImageCaptioning.Benchmarks;

/// <summary>
/// `bench train-step`: one optimiser step (forward + backward + clip + Adam) of the full-size decoder on a random
/// batch, to compare with the PyTorch reference timing in shared/README.
/// </summary>
internal static class BenchTrainStepCommand
{
    public static Command Create()
    {
        var batchOption = new Option<int>("--batch") { Description = "Captions per batch.", DefaultValueFactory = _ => 64 };
        var stepsOption = new Option<int>("--steps") { Description = "Words per caption (time steps incl. <end>).", DefaultValueFactory = _ => 20 };
        var vocabOption = new Option<int>("--vocab") { Description = "Vocabulary size.", DefaultValueFactory = _ => 2600 };
        var runsOption = new Option<int>("--runs") { Description = "Measured steps.", DefaultValueFactory = _ => 7 };
        var threadsOption = new Option<int>("--threads") { Description = "GEMM threads (0 = all cores).", DefaultValueFactory = _ => 0 };
        var command = new Command("train-step", "Median time of one full training step of the decoder on random data.")
        {
            batchOption, stepsOption, vocabOption, runsOption, threadsOption,
        };
        command.SetAction(parse =>
        {
            int batchSize = parse.GetValue(batchOption), steps = parse.GetValue(stepsOption), threads = parse.GetValue(threadsOption);
            if (threads > 0) Gemm.MaxThreads = threads;
            var config = new DecoderConfig { VocabSize = parse.GetValue(vocabOption) };
            var model = new TrainableDecoder(DecoderParameters.CreateRandom(config, seed: 1));
            var batch = RandomBatch(config, batchSize, steps);
            var adam = new Adam(model.Tensors);
            var tape = new Tape();
            var options = new DecoderGraph.Options(LabelSmoothing: 0.1f);
            var rng = new Random(3);
            var result = BenchStats.Measure(() =>
            {
                var output = DecoderGraph.Forward(tape, model, batch, options, rng);
                tape.Backward(output.Loss);
                GradientClipping.ClipGlobalNorm(model.Tensors, 5f);
                adam.Update(1e-4f);
                tape.Reset();
                model.ZeroGrad();
            }, warmup: 2, runs: parse.GetValue(runsOption));
            double flops = TrainingStepFlops(config, batchSize, steps);
            Console.WriteLine($"decoder E={config.EncoderDim} D={config.FeatureDim} A={config.AttentionDim} M={config.EmbeddingDim} H={config.HiddenDim} V={config.VocabSize}, {model.Parameters.ParameterCount:N0} parameters");
            Console.WriteLine($"batch {batchSize} captions × {steps} steps, GEMM threads {Gemm.MaxThreads}");
            Console.WriteLine($"train step: {result.Format()} (median, min–max)");
            Console.WriteLine($"≈ {flops / (result.MedianMs * 1e6):F1} GFLOP/s on the matrix products (≈ {flops / 1e9:F1} GFLOP per step)");
            Console.WriteLine($"vs the PyTorch 1.13 reference step (900 ms, measured once on this VM, not in this run): {900 / result.MedianMs:F2}×");
            return 0;
        });
        return command;
    }

    private static CaptionBatch RandomBatch(DecoderConfig config, int batchSize, int steps)
    {
        var rng = new Random(2);
        var grids = new float[batchSize * config.Positions * config.EncoderDim];
        for (int i = 0; i < grids.Length; i++) grids[i] = rng.NextSingle() * 3f;
        var tokens = new int[batchSize * (steps + 1)];
        for (int b = 0; b < batchSize; b++)
        {
            tokens[b * (steps + 1)] = 1;
            for (int t = 1; t < steps; t++) tokens[b * (steps + 1) + t] = rng.Next(4, config.VocabSize);
            tokens[b * (steps + 1) + steps] = 2;
        }
        return new CaptionBatch(grids, tokens, Enumerable.Repeat(steps, batchSize).ToArray(),
            Enumerable.Range(0, batchSize).Select(i => $"random{i}").ToArray());
    }

    /// <summary>Multiply-adds ×2 of every matrix product, forward (1×) and backward (2×: input and weight gradients).</summary>
    private static double TrainingStepFlops(DecoderConfig c, int b, int steps)
    {
        double perImage = (double)c.Positions * (c.EncoderDim * c.FeatureDim * 2 + c.FeatureDim * c.AttentionDim * 3); // proj: fwd + dW; att keys: fwd+dX+dW
        double perStep = c.HiddenDim * c.AttentionDim + c.HiddenDim * c.FeatureDim
            + 4.0 * c.HiddenDim * (c.EmbeddingDim + c.FeatureDim + c.HiddenDim)
            + c.HiddenDim * c.EmbeddingDim + c.FeatureDim * c.EmbeddingDim + (double)c.EmbeddingDim * c.VocabSize;
        return 2 * b * (perImage + 3 * perStep * steps);
    }
}
