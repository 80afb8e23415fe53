using ImageCaptioning.Model;

namespace ImageCaptioning.Training.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Summed cross-entropy of logits [R, V] against target ids (a target of <paramref name="ignoreId"/> adds nothing),
    /// with optional label smoothing ε: the target distribution is (1 − ε) on the target plus ε/V everywhere.
    /// Returns a [1, 1] tensor holding the sum over rows (divide by the token count yourself).
    /// </summary>
    /// <param name="rowWeights">Optional weight per row (length ≥ rows): the sum becomes Σ_r w_r·CE_r. Self-critical
    /// training passes each sampled caption's advantage here, which turns the sum into the policy-gradient loss.</param>
    /// <param name="temperature">The distribution is softmax(logits / T): self-critical training weights the log-probability
    /// of the tempered policy its captions were sampled from (1 = the model's own).</param>
    public static Tensor CrossEntropySum(Tape tape, Tensor logits, int[] targets, float labelSmoothing = 0f, int ignoreId = -1,
        float[]? rowWeights = null, float temperature = 1f)
    {
        int rows = logits.Rows, v = logits.Cols;
        var logp = tape.Rent(rows * v);
        float inverseTemperature = 1f / temperature;
        if (temperature == 1f) DecoderKernels.LogSoftmaxRows(logits.Values, logp, rows, v);
        else
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(logits.Values, inverseTemperature, logp.AsSpan(0, rows * v)); // logits / T
            DecoderKernels.LogSoftmaxRows(logp, logp, rows, v);
        }
        double loss = 0;
        for (int r = 0; r < rows; r++)
        {
            if (targets[r] == ignoreId) continue;
            var row = logp.AsSpan(r * v, v);
            double nll = -row[targets[r]];
            if (labelSmoothing > 0f)
            {
                double mean = 0;
                for (int j = 0; j < v; j++) mean -= row[j];
                nll = (1 - labelSmoothing) * nll + labelSmoothing * mean / v;
            }
            loss += rowWeights is null ? nll : rowWeights[r] * nll;
        }
        var y = tape.NewTensor(1, 1, logits.RequiresGrad);
        y.Values[0] = (float)loss;
        if (y.RequiresGrad)
            tape.Record(() =>
            {   // d/dlogits = (softmax(logits / T) − target distribution) / T, times the upstream gradient
                float g = y.Grad[0] * inverseTemperature;
                var dl = logits.Grad;
                float smooth = labelSmoothing / v;
                for (int r = 0; r < rows; r++)
                {
                    if (targets[r] == ignoreId) continue;
                    int o = r * v;
                    float gr = rowWeights is null ? g : g * rowWeights[r];
                    for (int j = 0; j < v; j++) dl[o + j] += gr * (MathF.Exp(logp[o + j]) - smooth);
                    dl[o + targets[r]] -= gr * (1f - labelSmoothing);
                }
            });
        return y;
    }

    /// <summary>
    /// Doubly-stochastic attention regulariser (Xu et al. eq. 14): λ · mean over samples b and positions i of
    /// (1 − Σ_t α_t[b, i])². <paramref name="alphas"/> are the per-step α [R_t, P] with R_t shrinking as captions end.
    /// </summary>
    public static Tensor AttentionCoverage(Tape tape, IReadOnlyList<Tensor> alphas, int batch, float lambda)
    {
        int positions = alphas[0].Cols;
        var sums = new float[batch * positions];
        foreach (var alpha in alphas)
        {
            var av = alpha.Values;
            for (int k = 0; k < av.Length; k++) sums[k] += av[k];
        }
        double total = 0;
        foreach (float s in sums) total += (1 - s) * (1 - s);
        float scale = lambda / (batch * positions);
        var y = tape.NewTensor(1, 1, alphas.Any(a => a.RequiresGrad));
        y.Values[0] = (float)(total * scale);
        if (y.RequiresGrad)
            tape.Record(() =>
            {   // d/dα_t[b, i] = −2·scale·(1 − s[b, i])
                float g = y.Grad[0];
                foreach (var alpha in alphas)
                {
                    if (!alpha.RequiresGrad) continue;
                    var da = alpha.Grad;
                    for (int k = 0; k < da.Length; k++) da[k] += -2f * scale * g * (1f - sums[k]);
                }
            });
        return y;
    }

    /// <summary>
    /// Attention-entropy penalty: μ · mean over the penalised rows r of every step's α [R_t, P] of H(α_r) / ln P, where
    /// H(α) = −Σ_i α_i ln α_i (0 = one cell, 1 = uniform). Minimising it trains each step to look at few cells.
    /// </summary>
    /// <param name="penalisedRows">Per step, which of its rows count (e.g. those predicting a content word); null = every row.</param>
    public static Tensor AttentionEntropy(Tape tape, IReadOnlyList<Tensor> alphas, float mu, IReadOnlyList<bool[]>? penalisedRows = null)
    {
        if (penalisedRows is not null && penalisedRows.Count != alphas.Count)
            throw new ArgumentException($"{penalisedRows.Count} row masks for {alphas.Count} steps", nameof(penalisedRows));
        int positions = alphas[0].Cols;
        var counted = new List<(Tensor Alpha, int Start)>();   // each penalised row: its step's α and where the row starts
        for (int t = 0; t < alphas.Count; t++)
            for (int r = 0; r < alphas[t].Rows; r++)
                if (penalisedRows is null || penalisedRows[t][r]) counted.Add((alphas[t], r * positions));
        float scale = mu / (Math.Max(1, counted.Count) * MathF.Log(positions));
        double total = 0;
        foreach (var (alpha, start) in counted)
            foreach (float a in alpha.Values.Slice(start, positions))
                if (a > 0f) total -= a * Math.Log(a);   // 0·ln 0 = 0
        var y = tape.NewTensor(1, 1, alphas.Any(a => a.RequiresGrad));
        y.Values[0] = (float)(total * scale);
        if (y.RequiresGrad)
            tape.Record(() =>
            {   // dH/dα_i = −(ln α_i + 1); α is clamped away from 0 (a softmax output is never exactly 0 in practice)
                float g = y.Grad[0] * scale;
                foreach (var (alpha, start) in counted)
                {
                    if (!alpha.RequiresGrad) continue;
                    var da = alpha.Grad.Slice(start, positions); var av = alpha.Values.Slice(start, positions);
                    for (int k = 0; k < positions; k++) da[k] -= g * (MathF.Log(MathF.Max(av[k], 1e-30f)) + 1f);
                }
            });
        return y;
    }

    /// <summary>Σ_k c_k·x_k of [1, 1] scalars.</summary>
    public static Tensor WeightedSumOfScalars(Tape tape, IReadOnlyList<Tensor> scalars, IReadOnlyList<float> weights)
    {
        var y = tape.NewTensor(1, 1, scalars.Any(s => s.RequiresGrad));
        double total = 0;
        for (int k = 0; k < scalars.Count; k++) total += weights[k] * scalars[k].Values[0];
        y.Values[0] = (float)total;
        if (y.RequiresGrad)
            tape.Record(() =>
            {
                for (int k = 0; k < scalars.Count; k++)
                    if (scalars[k].RequiresGrad) scalars[k].Grad[0] += weights[k] * y.Grad[0];
            });
        return y;
    }

    /// <summary>Sum of all elements → [1, 1].</summary>
    public static Tensor Sum(Tape tape, Tensor x)
    {
        var y = tape.NewTensor(1, 1, x.RequiresGrad);
        double total = 0;
        foreach (float value in x.Values) total += value;
        y.Values[0] = (float)total;
        if (y.RequiresGrad)
            tape.Record(() =>
            {
                var dx = x.Grad; float g = y.Grad[0];
                for (int i = 0; i < dx.Length; i++) dx[i] += g;
            });
        return y;
    }
}
