using System.Numerics.Tensors;
using ImageCaptioning.Numerics;

namespace ImageCaptioning.Decoder;

/// <summary>
/// The decoder's forward math, once. The inference decoder calls these directly; the training engine's
/// ops call the same functions for their forward pass (and add the backward), so training and inference
/// cannot drift apart. All matrices are row-major; weights use the [out, in] layout.
/// </summary>
public static class DecoderKernels
{
    /// <summary>y[R×out] = x[R×in]·Wᵀ + b (b may be empty); with <paramref name="accumulate"/> adds into y.</summary>
    public static unsafe void Linear(ReadOnlySpan<float> x, int rows, int inDim, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int outDim, Span<float> y, bool accumulate = false)
    {
        if (rows == 0) return;
        Gemm.Multiply(false, true, rows, outDim, inDim, x, inDim, weight, inDim, y, outDim, accumulate ? 1f : 0f);
        if (!bias.IsEmpty)
            for (int r = 0; r < rows; r++)
                TensorPrimitives.Add(y.Slice(r * outDim, outDim), bias, y.Slice(r * outDim, outDim));
    }

    /// <summary>
    /// Additive attention scores: e[r, i] = Σ_a w[a] · tanh(attF[img(r), i, a] + attH[r, a]).
    /// attF: [images, P, A] (precomputed W_f v + b_f); attH: [R, A]; w: [A]; scores: [R, P].
    /// <paramref name="imageOfRow"/> maps a row (beam) to its image; empty = row r reads image r.
    /// <paramref name="tanhOut"/> ([R, P, A]) optionally keeps the tanh values for the backward pass.
    /// </summary>
    public static void AttentionScores(ReadOnlySpan<float> attF, ReadOnlySpan<float> attH, ReadOnlySpan<float> w,
        int rows, int positions, int attDim, ReadOnlySpan<int> imageOfRow, Span<float> scores, Span<float> tanhOut = default)
    {
        Span<float> buffer = attDim <= 1024 ? stackalloc float[attDim] : new float[attDim];
        for (int r = 0; r < rows; r++)
        {
            int image = imageOfRow.IsEmpty ? r : imageOfRow[r];
            var hRow = attH.Slice(r * attDim, attDim);
            for (int i = 0; i < positions; i++)
            {
                Span<float> t = tanhOut.IsEmpty ? buffer : tanhOut.Slice((r * positions + i) * attDim, attDim);
                TensorPrimitives.Add(attF.Slice((image * positions + i) * attDim, attDim), hRow, t);
                TensorPrimitives.Tanh(t, t);
                scores[r * positions + i] = TensorPrimitives.Dot(t, w);
            }
        }
    }

    /// <summary>Softmax of each row of x[rows, cols], in place (max-subtracted for stability).</summary>
    public static void SoftmaxRows(Span<float> x, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
            TensorPrimitives.SoftMax(x.Slice(r * cols, cols), x.Slice(r * cols, cols));
    }

    /// <summary>Log-softmax of each row of x[rows, cols] into y (may alias x).</summary>
    public static void LogSoftmaxRows(ReadOnlySpan<float> x, Span<float> y, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * cols, cols);
            var outRow = y.Slice(r * cols, cols);
            float max = TensorPrimitives.Max(row);
            // log Σ exp(x - max), accumulated in double for long vocabularies.
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += MathF.Exp(row[j] - max);
            float logZ = max + (float)Math.Log(sum);
            TensorPrimitives.Subtract(row, logZ, outRow);
        }
    }

    /// <summary>Context vectors: z[r, d] = Σ_i α[r, i] · v[img(r), i, d].  α: [R, P]; v: [images, P, D]; z: [R, D].</summary>
    public static void WeightedSum(ReadOnlySpan<float> alpha, ReadOnlySpan<float> v, int rows, int positions, int dim,
        ReadOnlySpan<int> imageOfRow, Span<float> z)
    {
        for (int r = 0; r < rows; r++)
        {
            int image = imageOfRow.IsEmpty ? r : imageOfRow[r];
            var zRow = z.Slice(r * dim, dim);
            zRow.Clear();
            for (int i = 0; i < positions; i++)
                TensorPrimitives.MultiplyAdd(v.Slice((image * positions + i) * dim, dim), alpha[r * positions + i], zRow, zRow);
        }
    }

    /// <summary>
    /// One LSTM cell step (PyTorch gate order i, f, g, o). gates: [R, 4H] pre-activations, overwritten with the
    /// activated gates (σ(i), σ(f), tanh(g), σ(o)) which the backward pass needs; cPrev: [R, H];
    /// c = σ(f)⊙cPrev + σ(i)⊙tanh(g), h = σ(o)⊙tanh(c).
    /// </summary>
    public static void LstmCell(Span<float> gates, ReadOnlySpan<float> cPrev, int rows, int hidden, Span<float> c, Span<float> h)
    {
        Span<float> tanhC = hidden <= 2048 ? stackalloc float[hidden] : new float[hidden];
        for (int r = 0; r < rows; r++)
        {
            var g = gates.Slice(r * 4 * hidden, 4 * hidden);
            var gi = g.Slice(0, hidden); var gf = g.Slice(hidden, hidden);
            var gg = g.Slice(2 * hidden, hidden); var go = g.Slice(3 * hidden, hidden);
            TensorPrimitives.Sigmoid(gi, gi);
            TensorPrimitives.Sigmoid(gf, gf);
            TensorPrimitives.Tanh(gg, gg);
            TensorPrimitives.Sigmoid(go, go);
            var cRow = c.Slice(r * hidden, hidden);
            TensorPrimitives.Multiply(gf, cPrev.Slice(r * hidden, hidden), cRow);
            TensorPrimitives.MultiplyAdd(gi, gg, cRow, cRow);
            TensorPrimitives.Tanh(cRow, tanhC);
            TensorPrimitives.Multiply(go, tanhC, h.Slice(r * hidden, hidden));
        }
    }

    /// <summary>Copies embedding rows: out[r, :] = E[ids[r], :].  E: [V, M]; out: [R, M].</summary>
    public static void EmbeddingLookup(ReadOnlySpan<float> embedding, int dim, ReadOnlySpan<int> ids, Span<float> output)
    {
        for (int r = 0; r < ids.Length; r++)
            embedding.Slice(ids[r] * dim, dim).CopyTo(output.Slice(r * dim, dim));
    }
}
