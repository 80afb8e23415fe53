using ImageCaptioning.Training.Autograd;

namespace ImageCaptioning.Tests.Training;

/// <summary>Compares an op's analytic gradients with central finite differences.</summary>
internal static class GradientCheck
{
    /// <summary>
    /// <paramref name="build"/> maps the inputs to a scalar loss on a fresh tape. Every element of every
    /// input that requires a gradient is perturbed by ±eps (float32, so eps is not tiny).
    /// </summary>
    public static void Check(Func<Tape, Tensor[], Tensor> build, Tensor[] inputs, float eps = 1e-2f, float tolerance = 1e-2f, float absoluteTolerance = 5e-4f)
    {
        var tape = new Tape();
        foreach (var input in inputs) if (input.RequiresGrad) input.Grad.Clear();
        var loss = build(tape, inputs);
        tape.Backward(loss);
        var analytic = inputs.Select(t => t.RequiresGrad ? t.Grad.ToArray() : []).ToArray();
        tape.Reset();

        var eval = new Tape { Training = false };
        float Loss() { float value = build(eval, inputs).Item; eval.Reset(); return value; }
        for (int k = 0; k < inputs.Length; k++)
        {
            if (!inputs[k].RequiresGrad) continue;
            var data = inputs[k].Data;
            for (int i = 0; i < inputs[k].Length; i++)
            {
                float saved = data[i];
                data[i] = saved + eps; float plus = Loss();
                data[i] = saved - eps; float minus = Loss();
                data[i] = saved;
                float numeric = (plus - minus) / (2 * eps);
                float a = analytic[k][i];
                // Relative to the gradient's own size (a floor of 1 would hide a 10% error on a small gradient).
                float allowed = tolerance * Math.Max(Math.Abs(a), Math.Abs(numeric)) + absoluteTolerance;
                Assert.True(Math.Abs(a - numeric) <= allowed,
                    $"input {k} element {i}: analytic {a} vs numeric {numeric}");
            }
        }
    }

    public static Tensor Random(Random rng, int rows, int cols, bool requiresGrad = true, float scale = 1f)
    {
        var data = new float[rows * cols];
        for (int i = 0; i < data.Length; i++) data[i] = (rng.NextSingle() * 2 - 1) * scale;
        return new Tensor(data, rows, cols, requiresGrad, requiresGrad ? new float[data.Length] : null);
    }

    /// <summary>A scalar that depends on every element of y with a different weight, so no gradient can cancel.</summary>
    public static Tensor Project(Tape tape, Tensor y, int seed = 99)
    {
        var rng = new Random(seed);
        var weights = new float[y.Length];
        for (int i = 0; i < weights.Length; i++) weights[i] = rng.NextSingle() * 2 - 1;
        return Ops.Sum(tape, Ops.Multiply(tape, y, tape.Constant(weights, y.Rows, y.Cols)));
    }
}
