using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ImageCaptioning.Numerics;

namespace ImageCaptioning.Model;

/// <summary>
/// The decoder's forward math, once. The inference decoder calls these directly; the training engine's
/// ops call the same functions for their forward pass (and add the backward), so training and inference
/// cannot drift apart. All matrices are row-major; weights use the [out, in] layout.
/// </summary>
public static class DecoderKernels
{
    /// <summary>
    /// y[R×out] = x[R×in]·Wᵀ + b (b may be empty); with <paramref name="accumulate"/> adds into y.
    /// <paramref name="maxThreads"/> caps the product's threads below <see cref="Gemm.MaxThreads"/> (an ensemble runs
    /// its members side by side, one core each); the result does not depend on it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Linear(ReadOnlySpan<float> x, int rows, int inDim, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int outDim, Span<float> y, bool accumulate = false, int maxThreads = int.MaxValue) =>
        Linear(x, rows, inDim, inDim, weight, inDim, bias, outDim, y, accumulate, maxThreads);

    /// <summary>
    /// <see cref="Linear(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{float}, bool, int)"/>
    /// with W also packed once (<paramref name="packed"/>, made from <paramref name="weight"/>; inference on weights that no
    /// longer change): bit-identical, without re-packing W on every call. Null packs W per call as usual.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="packed"/> was not made from <paramref name="weight"/> [outDim, inDim].</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Linear(ReadOnlySpan<float> x, int rows, int inDim, ReadOnlySpan<float> weight, PrepackedMatrix? packed,
        ReadOnlySpan<float> bias, int outDim, Span<float> y, bool accumulate = false, int maxThreads = int.MaxValue)
    {
        if (packed is not null && (packed.OutputDim != outDim || packed.InputDim != inDim
            || !Unsafe.AreSame(ref MemoryMarshal.GetReference(weight), ref MemoryMarshal.GetArrayDataReference(packed.Weight))))
            throw new ArgumentException($"The packed weight is not this {outDim}×{inDim} weight.", nameof(packed));
        Linear(x, rows, inDim, inDim, weight, inDim, bias, outDim, y, accumulate, maxThreads, packed);
    }

    /// <summary>
    /// <see cref="Linear(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{float}, bool, int)"/>
    /// on the first <paramref name="inDim"/> columns of wider rows: x's rows are <paramref name="xStride"/> floats apart,
    /// W's <paramref name="weightStride"/>; <paramref name="packed"/> (W prepared once, then W itself is not read) or null.
    /// </summary>
    private static void Linear(ReadOnlySpan<float> x, int rows, int inDim, int xStride, ReadOnlySpan<float> weight, int weightStride,
        ReadOnlySpan<float> bias, int outDim, Span<float> y, bool accumulate, int maxThreads, IPackedWeight? packed = null, int yStride = 0)
    {
        if (rows == 0 || outDim == 0) return;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        if (yStride == 0) yStride = outDim;
        var options = Gemm.DefaultOptions();
        options = options with { MaxThreads = Math.Min(options.MaxThreads, maxThreads) };
        if (packed is null) Gemm.Multiply(options, false, true, rows, outDim, inDim, x, xStride, weight, weightStride, y, yStride, accumulate ? 1f : 0f);
        else packed.Multiply(x, rows, xStride, y, yStride, accumulate, options.MaxThreads);
        if (!bias.IsEmpty)
            for (int r = 0; r < rows; r++)
                TensorPrimitives.Add(y.Slice(r * yStride, outDim), bias, y.Slice(r * yStride, outDim));
    }

    /// <summary>
    /// The <paramref name="part"/>'s share of the output columns of y[R×out] = x[R×in]·Wᵀ + b (y's other columns are left
    /// alone; added into them with <paramref name="accumulate"/>): the share's rows of W, cut where the product's column
    /// tiles end, so every output is the same as in the whole product. Whole: <see cref="Linear(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{float}, bool, int)"/>.
    /// x's rows are <paramref name="xStride"/> floats apart and W's <paramref name="weightStride"/> (0: <paramref name="inDim"/>),
    /// so the product can read a block of columns of wider rows.
    /// </summary>
    internal static void Linear(ReadOnlySpan<float> x, int rows, int inDim, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int outDim,
        Span<float> y, StepPart part, int maxThreads = int.MaxValue, IPackedWeight? packedPart = null, bool accumulate = false,
        int xStride = 0, int weightStride = 0)
    {
        if (xStride == 0) xStride = inDim;
        if (weightStride == 0) weightStride = inDim;
        var (c0, c1) = part.Columns(outDim);
        if (packedPart is not null && (packedPart.OutputDim != c1 - c0 || packedPart.InputDim != inDim))
            throw new ArgumentException($"The packed weight is not the part's {c1 - c0}×{inDim} rows.", nameof(packedPart));
        Linear(x, rows, inDim, xStride, weight[(c0 * weightStride)..], weightStride, bias.IsEmpty ? bias : bias[c0..c1], c1 - c0, y[c0..],
            accumulate, maxThreads, packedPart, yStride: outDim);
    }

    /// <summary>
    /// y = f·Wᵀ + b for <paramref name="images"/> grids of <paramref name="layout"/>, whose cells are [own | parent] (the
    /// parent part repeated in the parent's four cells), computed as W·[f; g] = W_own·f + W_parent·g_parent(i): the own parts
    /// of all cells and the parent parts of the parent cells (read from each parent's first cell) are projected separately,
    /// and each parent's projection (with the bias) is added to its four cells — the same sum, with the parents' products
    /// done once instead of four times.
    /// grids f: [N, P, C] (C = own + parent channels); W: [out, C], columns [own | parent]; b: [out]; y: [N·P, out].
    /// <paramref name="parentParts"/> receives g [N·P', parent channels] (training keeps it for the gradient of W_parent);
    /// <paramref name="parentOut"/> is scratch for W_parent·g + b [N·P', out]. P' = the layout's parent positions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ParentCellLinear(ReadOnlySpan<float> grids, int images, ParentCellLayout layout, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int outDim, Span<float> y, Span<float> parentParts, Span<float> parentOut, int maxThreads = int.MaxValue) =>
        ParentCellLinear(grids, images, layout, weight, bias, outDim, y, parentParts, parentOut, StepPart.Whole, maxThreads);

    /// <summary>
    /// <see cref="ParentCellLinear(ReadOnlySpan{float}, int, ParentCellLayout, ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{float}, Span{float}, Span{float}, int)"/>
    /// computed by <paramref name="part"/>.Count threads together: each gathers its share of the parent parts, and after
    /// they meet, computes its share of the output columns (every output the same as in the whole product).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ParentCellLinear(ReadOnlySpan<float> grids, int images, ParentCellLayout layout, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int outDim, Span<float> y, Span<float> parentParts, Span<float> parentOut, StepPart part, int maxThreads = int.MaxValue,
        IPackedWeight? packedOwn = null, IPackedWeight? packedParent = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        int P = layout.Positions, C = layout.Channels, own = layout.OwnChannels, parent = layout.ParentChannels, Q = layout.ParentPositions;
        if (grids.Length < images * P * C) throw new ArgumentException($"expected {images}×{P}×{C} features", nameof(grids));
        var g = parentParts[..(images * Q * parent)];
        var (g0, g1) = part.Rows(images * Q);
        for (int nq = g0; nq < g1; nq++)
            grids.Slice((nq / Q * P + layout.FirstChildOf(nq % Q)) * C + own, parent).CopyTo(g.Slice(nq * parent, parent)); // g [N·P', parent]
        part.Sync();
        var (c0, c1) = part.Columns(outDim);
        var u = parentOut[..(images * Q * outDim)];
        var rowsOfW = weight[(c0 * C)..];                                                                                 // this part's outputs
        var partBias = bias.IsEmpty ? bias : bias[c0..c1];
        if ((packedOwn is null) != (packedParent is null) || packedOwn is not null && (packedOwn.OutputDim != c1 - c0 || packedOwn.InputDim != own
            || packedParent!.OutputDim != c1 - c0 || packedParent.InputDim != parent))
            throw new ArgumentException("The packed weights are not the part's rows of W's own and parent columns.", nameof(packedOwn));
        Linear(g, images * Q, parent, parent, rowsOfW[own..], C, partBias, c1 - c0, u[c0..],
            accumulate: false, maxThreads, packedParent, yStride: outDim);                                               // W_parent g + b [N·P', out]
        Linear(grids, images * P, own, C, rowsOfW, C, default, c1 - c0, y[c0..],
            accumulate: false, maxThreads, packedOwn, yStride: outDim);                                                  // W_own f [N·P, out]
        for (int n = 0; n < images; n++)
            for (int i = 0; i < P; i++)
            {
                var row = y.Slice((n * P + i) * outDim + c0, c1 - c0);
                TensorPrimitives.Add(row, u.Slice((n * Q + layout.ParentOf(i)) * outDim + c0, c1 - c0), row);                   // + parent's [N·P, out]
            }
    }

    /// <summary>
    /// Additive attention scores: e[r, i] = Σ_a w[a] · tanh(attF[img(r), i, a] + attH[r, a]).
    /// attF: [images, P, A] (precomputed W_f v + b_f); attH: [R, A]; w: [A]; scores: [R, P].
    /// <paramref name="imageOfRow"/> maps a row (beam) to its image; empty = row r reads image r.
    /// <paramref name="tanhOut"/> ([R, P, A]) optionally keeps the tanh values for the backward pass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AttentionScores(ReadOnlySpan<float> attF, ReadOnlySpan<float> attH, ReadOnlySpan<float> w,
        int rows, int positions, int attDim, ReadOnlySpan<int> imageOfRow, Span<float> scores, Span<float> tanhOut = default)
    {
        for (int r = 0; r < rows; r++)
        {
            int image = imageOfRow.IsEmpty ? r : imageOfRow[r];
            var hRow = attH.Slice(r * attDim, attDim);
            for (int i = 0; i < positions; i++)
            {
                var keys = attF.Slice((image * positions + i) * attDim, attDim);
                var t = tanhOut.IsEmpty ? default : tanhOut.Slice((r * positions + i) * attDim, attDim);
                scores[r * positions + i] = AttentionScore(keys, hRow, w, t);
            }
        }
    }

    /// <summary>
    /// Σ_a w[a] · tanh(keys[a] + h[a]) in one pass (writing the tanh values to <paramref name="tanhOut"/> unless empty):
    /// three TensorPrimitives calls per position (add, tanh, dot) read the 256 values three times and cost more in
    /// call overhead than in arithmetic, for 49 positions per row per step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float AttentionScore(ReadOnlySpan<float> keys, ReadOnlySpan<float> h, ReadOnlySpan<float> w, Span<float> tanhOut)
    {
        int n = keys.Length, a = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            var acc = Vector512<float>.Zero;
            for (; a + Vector512<float>.Count <= n; a += Vector512<float>.Count)
            {
                var t = Tanh(Vector512.Create(keys.Slice(a, Vector512<float>.Count)) + Vector512.Create(h.Slice(a, Vector512<float>.Count)));
                if (!tanhOut.IsEmpty) t.CopyTo(tanhOut.Slice(a, Vector512<float>.Count));
                acc = Vector512.MultiplyAddEstimate(t, Vector512.Create(w.Slice(a, Vector512<float>.Count)), acc);
            }
            sum = Vector512.Sum(acc);
        }
        for (; a < n; a++)
        {
            float t = MathF.Tanh(keys[a] + h[a]);
            if (!tanhOut.IsEmpty) tanhOut[a] = t;
            sum += t * w[a];
        }
        return sum;
    }

    /// <summary>
    /// tanh(x) as a 13/6-degree rational function of x clamped to ±7.905 (where tanh is ±1 in float32), x itself below
    /// 4e-4 in magnitude (Eigen's fast tanh): absolute error below 3e-7. An exp-based tanh evaluates its exponential in
    /// double precision; this is all float FMAs and one division, and the attention computes R × P × A of them per step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Tanh(Vector512<float> a)
    {
        var x = Vector512.Clamp(a, Vector512.Create(-7.90531110763549805f), Vector512.Create(7.90531110763549805f));
        var x2 = x * x;
        var p = Vector512.FusedMultiplyAdd(x2, Vector512.Create(-2.76076847742355e-16f), Vector512.Create(2.00018790482477e-13f));
        p = Vector512.FusedMultiplyAdd(x2, p, Vector512.Create(-8.60467152213735e-11f));
        p = Vector512.FusedMultiplyAdd(x2, p, Vector512.Create(5.12229709037114e-08f));
        p = Vector512.FusedMultiplyAdd(x2, p, Vector512.Create(1.48572235717979e-05f));
        p = Vector512.FusedMultiplyAdd(x2, p, Vector512.Create(6.37261928875436e-04f));
        p = Vector512.FusedMultiplyAdd(x2, p, Vector512.Create(4.89352455891786e-03f)) * x;     // odd numerator
        var q = Vector512.FusedMultiplyAdd(x2, Vector512.Create(1.19825839466702e-06f), Vector512.Create(1.18534705686654e-04f));
        q = Vector512.FusedMultiplyAdd(x2, q, Vector512.Create(2.26843463243900e-03f));
        q = Vector512.FusedMultiplyAdd(x2, q, Vector512.Create(4.89352518554385e-03f));           // even denominator
        return Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Abs(a), Vector512.Create(0.0004f)), x, p / q);
    }

    /// <summary>Softmax of each row of x[rows, cols], in place (max-subtracted for stability).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftmaxRows(Span<float> x, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
            TensorPrimitives.SoftMax(x.Slice(r * cols, cols), x.Slice(r * cols, cols));
    }

    /// <summary>Log-softmax of each row of x[rows, cols] into y (may alias x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LogSoftmaxRows(ReadOnlySpan<float> x, Span<float> y, int rows, int cols)
    {
        // exp(x − max) goes to a scratch row so that y may alias x; vectorised exp and sum (a scalar MathF.Exp
        // loop was a large share of a greedy step's non-GEMM time).
        Span<float> exp = cols <= 4096 ? stackalloc float[cols] : new float[cols];
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * cols, cols);
            var outRow = y.Slice(r * cols, cols);
            float max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, exp);
            TensorPrimitives.Exp(exp, exp);
            // A float sum of V terms in [0, 1] (at least one is 1) is within ~1e-6 relative of the exact one.
            float logZ = max + MathF.Log(TensorPrimitives.Sum(exp));
            TensorPrimitives.Subtract(row, logZ, outRow);
        }
    }

    /// <summary>
    /// Context vectors: z[r, d] = Σ_i α[r, i] · v[img(r), i, d].  α: [R, P]; v: [images, P, D]; z: [R, D].
    /// Consecutive rows of one image (an image's beams) are summed together, so each image's v is read once per group
    /// rather than once per row; every element is the same (v·α) + z chain over i = 0…P−1, so the grouping changes no bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightedSum(ReadOnlySpan<float> alpha, ReadOnlySpan<float> v, int rows, int positions, int dim,
        ReadOnlySpan<int> imageOfRow, Span<float> z)
    {
        bool grouped = Vector512.IsHardwareAccelerated && dim % Vector512<float>.Count == 0 && !imageOfRow.IsEmpty;
        for (int r = 0; r < rows;)
        {
            int image = imageOfRow.IsEmpty ? r : imageOfRow[r];
            int group = 1;
            while (grouped && group < WeightedSumGroup && r + group < rows && imageOfRow[r + group] == image) group++;
            var features = v.Slice(image * positions * dim, positions * dim);
            if (group > 1) WeightedSumOfGroup(alpha.Slice(r * positions, group * positions), features, group, positions, dim, z.Slice(r * dim, group * dim));
            else
            {
                var zRow = z.Slice(r * dim, dim);
                zRow.Clear();
                for (int i = 0; i < positions; i++)
                    TensorPrimitives.MultiplyAdd(features.Slice(i * dim, dim), alpha[r * positions + i], zRow, zRow); // (v·α) + z, unfused
            }
            r += group;
        }
    }

    /// <summary>Most rows of one image summed together: 4 rows × 4 vectors = 16 accumulators, half the zmm registers.</summary>
    private const int WeightedSumGroup = 4;

    /// <summary>
    /// z[j, :] = Σ_i α[j, i] · v[i, :] for 2–4 rows j of the same image, 64 columns at a time (a 16-wide tail at the end).
    /// α: [rows, P]; v: [P, D] (one image); z: [rows, D]; D a multiple of 16. Multiply then add, like TensorPrimitives.MultiplyAdd.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightedSumOfGroup(ReadOnlySpan<float> alpha, ReadOnlySpan<float> v, int rows, int positions, int dim, Span<float> z)
    {
        const int W = 16;                                                   // Vector512<float>.Count
        int d = 0;
        for (; d + 4 * W <= dim; d += 4 * W)
        {
            Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default, a12 = default, a13 = default;
            Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default, a30 = default, a31 = default, a32 = default, a33 = default;
            for (int i = 0; i < positions; i++)
            {
                var cell = v.Slice(i * dim + d, 4 * W);
                var v0 = Vector512.Create(cell[..W]); var v1 = Vector512.Create(cell.Slice(W, W));
                var v2 = Vector512.Create(cell.Slice(2 * W, W)); var v3 = Vector512.Create(cell.Slice(3 * W, W));
                var w = Vector512.Create(alpha[i]);
                a00 += v0 * w; a01 += v1 * w; a02 += v2 * w; a03 += v3 * w;
                w = Vector512.Create(alpha[positions + i]);
                a10 += v0 * w; a11 += v1 * w; a12 += v2 * w; a13 += v3 * w;
                if (rows > 2)
                {
                    w = Vector512.Create(alpha[2 * positions + i]);
                    a20 += v0 * w; a21 += v1 * w; a22 += v2 * w; a23 += v3 * w;
                }
                if (rows > 3)
                {
                    w = Vector512.Create(alpha[3 * positions + i]);
                    a30 += v0 * w; a31 += v1 * w; a32 += v2 * w; a33 += v3 * w;
                }
            }
            Store4(z.Slice(d, 4 * W), a00, a01, a02, a03);
            Store4(z.Slice(dim + d, 4 * W), a10, a11, a12, a13);
            if (rows > 2) Store4(z.Slice(2 * dim + d, 4 * W), a20, a21, a22, a23);
            if (rows > 3) Store4(z.Slice(3 * dim + d, 4 * W), a30, a31, a32, a33);
        }
        for (; d < dim; d += W)
            for (int j = 0; j < rows; j++)
            {
                var acc = Vector512<float>.Zero;
                for (int i = 0; i < positions; i++)
                    acc += Vector512.Create(v.Slice(i * dim + d, W)) * Vector512.Create(alpha[j * positions + i]);
                acc.CopyTo(z.Slice(j * dim + d, W));
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(Span<float> to, Vector512<float> x0, Vector512<float> x1, Vector512<float> x2, Vector512<float> x3)
    {
        x0.CopyTo(to); x1.CopyTo(to[16..]); x2.CopyTo(to[32..]); x3.CopyTo(to[48..]);
    }

    /// <summary>
    /// One LSTM cell step (PyTorch gate order i, f, g, o). gates: [R, 4H] pre-activations, overwritten with the
    /// activated gates (σ(i), σ(f), tanh(g), σ(o)) which the backward pass needs; cPrev: [R, H];
    /// c = σ(f)⊙cPrev + σ(i)⊙tanh(g), h = σ(o)⊙tanh(c).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
