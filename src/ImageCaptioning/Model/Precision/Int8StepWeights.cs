using System.Numerics.Tensors;
using ImageCaptioning.Numerics;

namespace ImageCaptioning.Model;

/// <summary>
/// The step's products as int8 weights times u8 inputs (<see cref="Int8PackedMatrix"/>: a scale per weight row, each
/// input row quantised on its own, exact integer sums), at every number of rows. An output depends only on its own row,
/// so a caption gets the same bits alone or in a batch of any size, and on one thread or two. At a few rows a step is
/// bound by reading its weights, a quarter of float32's bytes; at a batch's many rows the u8×s8 dot products do four
/// multiply-adds per lane. Each input that has its own range is quantised on its own (β⊙z apart from h, whose values stay
/// in (−1, 1)); W_e E[y] depends only on the token, so it comes exact from a float32 [V, 4H] table.
/// A snapshot, for weights that no longer change.
/// </summary>
internal sealed class Int8StepWeights : IStepWeights
{
    private readonly DecoderConfig _c;
    private readonly float[] _lstmByToken;          // W_e E[y] for every word y  [V, 4H]
    private readonly DecoderParameters _p;          // the biases
    private readonly Matrices _whole;
    private readonly Lazy<Matrices[]> _halves;      // two threads' halves of each matrix's outputs, packed on first use

    /// <summary>One part's rows of each matrix ([out, in]); null where the part has no outputs.</summary>
    private sealed record Matrices(Int8PackedMatrix? HiddenAtt, Int8PackedMatrix? Gate, Int8PackedMatrix? LstmContext,
        Int8PackedMatrix? LstmHidden, Int8PackedMatrix? OutHidden, Int8PackedMatrix? OutContext, Int8PackedMatrix? Output);

    public Int8StepWeights(DecoderParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        _p = p;
        _c = p.Config;
        int h = _c.HiddenDim, m = _c.EmbeddingDim, v = _c.VocabSize;
        var embeddingBlock = Block(p.LstmWeight, m + _c.FeatureDim + h, 0, 4 * h, 0, m);                     // W_e = W_lstm[:, :M]  [4H, M]
        _lstmByToken = new float[v * 4 * h];
        Gemm.Multiply(false, true, v, 4 * h, m, p.Embedding, m, embeddingBlock, m, _lstmByToken, 4 * h);    // E · W_eᵀ  [V, 4H]
        _whole = Pack(p, StepPart.Whole);
        _halves = new(() => [Pack(p, new StepPart(0, 2, null)), Pack(p, new StepPart(1, 2, null))], LazyThreadSafetyMode.ExecutionAndPublication);
        // A half's int8 rows are the whole's rows (the scales are per output row): a step computed in halves gets the same bits.
    }

    private static Matrices Pack(DecoderParameters p, StepPart part)
    {
        var c = p.Config;
        int a = c.AttentionDim, d = c.FeatureDim, h = c.HiddenDim, m = c.EmbeddingDim, x = m + d + h;
        Int8PackedMatrix? Rows(float[] weight, int outputs, int cols, int k0, int k1)
        {
            var (r0, r1) = part.Columns(outputs);
            return r1 == r0 ? null : new Int8PackedMatrix(Block(weight, cols, r0, r1, k0, k1), r1 - r0, k1 - k0);
        }
        return new Matrices(
            Rows(p.HiddenAttWeight, a, h, 0, h),                // W_a             [A, H]
            Rows(p.GateWeight, d, h, 0, h),                     // W_β             [D, H]
            Rows(p.LstmWeight, 4 * h, x, m, m + d),             // W_lstm[:, z]    [4H, D]
            Rows(p.LstmWeight, 4 * h, x, m + d, x),             // W_lstm[:, h]    [4H, H]
            Rows(p.OutHiddenWeight, m, h, 0, h),                // L_h             [M, H]
            Rows(p.OutContextWeight, m, d, 0, d),               // L_z             [M, D]
            Rows(p.OutputWeight, c.VocabSize, m, 0, m));        // W_o             [V, M]
    }

    /// <summary>Rows [r0, r1) and columns [k0, k1) of a row-major matrix with <paramref name="cols"/> columns, as a new contiguous array.</summary>
    private static float[] Block(float[] matrix, int cols, int r0, int r1, int k0, int k1)
    {
        var block = new float[(r1 - r0) * (k1 - k0)];
        for (int r = r0; r < r1; r++)
            matrix.AsSpan(r * cols + k0, k1 - k0).CopyTo(block.AsSpan((r - r0) * (k1 - k0), k1 - k0));
        return block;
    }

    private Matrices For(StepPart part) => part.IsWhole ? _whole
        : part.Count == 2 ? _halves.Value[part.Index]
        : throw new ArgumentOutOfRangeException(nameof(part), part.Count, "The step's int8 weights are packed whole and in halves.");

    public DecoderWeightPrecision Precision => DecoderWeightPrecision.Int8;

    /// <summary>Always: each product's outputs cut in two give the same outputs.</summary>
    public bool CanShare(int rows) => true;

    /// <summary>
    /// y[:, part's columns] (+)= x·Wᵀ (+ bias) for <paramref name="w"/>, the part's rows of W (null: the part has none);
    /// x's rows <paramref name="xStride"/> floats apart, y's <paramref name="outDim"/>.
    /// </summary>
    private static void Product(Int8PackedMatrix? w, ReadOnlySpan<float> x, int rows, int xStride, ReadOnlySpan<float> bias,
        Span<float> y, int outDim, StepPart part, DecoderWorkspace ws, bool accumulate = false)
    {
        if (w is null) return;
        var (c0, c1) = part.Columns(outDim);
        w.Multiply(x, rows, xStride, y[c0..], outDim, accumulate, part.IsWhole ? ws.MaxThreads : 1);
        if (bias.IsEmpty) return;
        for (int r = 0; r < rows; r++)
            TensorPrimitives.Add(y.Slice(r * outDim + c0, c1 - c0), bias[c0..c1], y.Slice(r * outDim + c0, c1 - c0));
    }

    public void HiddenProjections(ReadOnlySpan<float> h, int rows, Span<float> attH, Span<float> gate, DecoderWorkspace ws, StepPart part)
    {
        var w = For(part);
        int hd = _c.HiddenDim;
        Product(w.HiddenAtt, h, rows, hd, _p.HiddenAttBias, attH, _c.AttentionDim, part, ws);             // W_a h + b_a [R, A]
        Product(w.Gate, h, rows, hd, _p.GateBias, gate, _c.FeatureDim, part, ws);                          // W_β h + b_β [R, D]
    }

    public void LstmGates(ReadOnlySpan<int> tokens, ReadOnlySpan<float> x, int rows, Span<float> gates, DecoderWorkspace ws, StepPart part)
    {
        var w = For(part);
        int m = _c.EmbeddingDim, d = _c.FeatureDim, g = 4 * _c.HiddenDim, stride = m + d + _c.HiddenDim;
        var (c0, c1) = part.Columns(g);
        for (int r = 0; r < rows; r++)                                                                     // W_e E[y] from the table
            _lstmByToken.AsSpan(tokens[r] * g + c0, c1 - c0).CopyTo(gates.Slice(r * g + c0, c1 - c0));
        Product(w.LstmContext, x[m..], rows, stride, default, gates, g, part, ws, accumulate: true);       // + W_z (β⊙z)
        Product(w.LstmHidden, x[(m + d)..], rows, stride, _p.LstmBias, gates, g, part, ws, accumulate: true); // + W_h h + b  [R, 4H]
    }

    public void DeepOutput(ReadOnlySpan<float> h, ReadOnlySpan<float> context, int rows, Span<float> o, DecoderWorkspace ws, StepPart part)
    {
        var w = For(part);
        int m = _c.EmbeddingDim;
        Product(w.OutHidden, h, rows, _c.HiddenDim, _p.OutHiddenBias, o, m, part, ws);                    // L_h h_t + b_h
        Product(w.OutContext, context, rows, _c.FeatureDim, default, o, m, part, ws, accumulate: true);     // + L_z β⊙z  [R, M]
    }

    public void Logits(ReadOnlySpan<float> o, int rows, Span<float> logits, DecoderWorkspace ws, StepPart part) =>
        Product(For(part).Output, o, rows, _c.EmbeddingDim, _p.OutputBias, logits, _c.VocabSize, part, ws); // W_o o + b_o [R, V]
}
