using ImageCaptioning.Training.Autograd;

namespace ImageCaptioning.Training.Optimization;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) with bias correction and optional decoupled weight decay (AdamW, Loshchilov &amp; Hutter),
/// applied to 2-D weights only — biases and the attention score vector are not decayed.
/// </summary>
public sealed class Adam
{
    private readonly IReadOnlyList<(string Name, Tensor Tensor)> _parameters;
    public float[][] FirstMoments { get; }
    public float[][] SecondMoments { get; }
    public float Beta1 { get; init; } = 0.9f;
    public float Beta2 { get; init; } = 0.999f;
    public float Epsilon { get; init; } = 1e-8f;
    public float WeightDecay { get; init; }
    /// <summary>Updates taken so far (for bias correction; saved in checkpoints).</summary>
    public long Step { get; set; }

    public Adam(IReadOnlyList<(string Name, Tensor Tensor)> parameters)
    {
        _parameters = parameters;
        FirstMoments = parameters.Select(p => new float[p.Tensor.Length]).ToArray();
        SecondMoments = parameters.Select(p => new float[p.Tensor.Length]).ToArray();
    }

    public void Update(float learningRate)
    {
        Step++;
        float correction1 = 1f - MathF.Pow(Beta1, Step), correction2 = 1f - MathF.Pow(Beta2, Step);
        float stepSize = learningRate / correction1;
        Parallel.For(0, _parameters.Count, k =>
        {
            var (name, tensor) = _parameters[k];
            var w = tensor.Values; var g = tensor.Grad; var m = FirstMoments[k]; var v = SecondMoments[k];
            float decay = WeightDecay > 0 && tensor.Rows > 1 && !name.EndsWith(".bias", StringComparison.Ordinal)
                ? 1f - learningRate * WeightDecay : 1f;
            for (int i = 0; i < w.Length; i++)
            {
                m[i] = Beta1 * m[i] + (1 - Beta1) * g[i];
                v[i] = Beta2 * v[i] + (1 - Beta2) * g[i] * g[i];
                w[i] = w[i] * decay - stepSize * m[i] / (MathF.Sqrt(v[i] / correction2) + Epsilon);
            }
        });
    }
}
