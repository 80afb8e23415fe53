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
    private readonly DecoderParameters _p;          // the biases, and the float32 weights each packed copy stands for
    private readonly PackedParts<Matrices> _parts;

    /// <summary>One part's rows of each matrix ([out, in]); null where the part has no outputs.</summary>
    private sealed record Matrices(Int8PackedMatrix? HiddenAtt, Int8PackedMatrix? Gate, Int8PackedMatrix? LstmContext,
        Int8PackedMatrix? LstmHidden, Int8PackedMatrix? OutHidden, Int8PackedMatrix? OutContext, Int8PackedMatrix? Output);

    public Int8StepWeights(DecoderParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        _p = p;
        _c = p.Config;
        int h = _c.HiddenDim, m = _c.EmbeddingDim, v = _c.VocabSize;
        var embeddingBlock = PackedParts.Block(p.LstmWeight, m + _c.FeatureDim + h, 0, 4 * h, 0, m);                     // W_e = W_lstm[:, :M]  [4H, M]
        _lstmByToken = new float[v * 4 * h];
        Gemm.Multiply(false, true, v, 4 * h, m, p.Embedding, m, embeddingBlock, m, _lstmByToken, 4 * h);    // E · W_eᵀ  [V, 4H]
        _parts = new(part => Pack(p, part));
        // A half's int8 rows are the whole's rows (the scales are per output row): a step computed in halves gets the same bits.
    }

    private static Matrices Pack(DecoderParameters p, StepPart part)
    {
        var c = p.Config;
        int a = c.AttentionDim, d = c.FeatureDim, h = c.HiddenDim, m = c.EmbeddingDim, x = m + d + h;
        Int8PackedMatrix? Rows(float[] weight, int outputs, int cols, int k0, int k1)
        {
            var (r0, r1) = part.Columns(outputs);
            return r1 == r0 ? null : new Int8PackedMatrix(PackedParts.Block(weight, cols, r0, r1, k0, k1), r1 - r0, k1 - k0);
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

    public DecoderWeightPrecision Precision => DecoderWeightPrecision.Int8;

    /// <summary>Always: each product's outputs cut in two give the same outputs.</summary>
    public bool CanShare(int rows) => true;

    public void HiddenProjections(ReadOnlySpan<float> h, int rows, Span<float> attH, Span<float> gate, DecoderWorkspace ws, StepPart part)
    {
        var w = _parts.For(part);
        DecoderKernels.Linear(h, rows, _c.HiddenDim, _p.HiddenAttWeight, _p.HiddenAttBias, _c.AttentionDim, attH, part, part.ProductThreads(ws), w.HiddenAtt); // W_a h + b_a [R, A]
        DecoderKernels.Linear(h, rows, _c.HiddenDim, _p.GateWeight, _p.GateBias, _c.FeatureDim, gate, part, part.ProductThreads(ws), w.Gate);               // W_β h + b_β [R, D]
    }

    public void LstmGates(ReadOnlySpan<int> tokens, ReadOnlySpan<float> x, int rows, Span<float> gates, DecoderWorkspace ws, StepPart part)
    {
        var w = _parts.For(part);
        int m = _c.EmbeddingDim, d = _c.FeatureDim, h = _c.HiddenDim, g = 4 * h, stride = m + d + h;
        var (c0, c1) = part.Columns(g);
        for (int r = 0; r < rows; r++)                                                                     // W_e E[y] from the table
            _lstmByToken.AsSpan(tokens[r] * g + c0, c1 - c0).CopyTo(gates.Slice(r * g + c0, c1 - c0));
        DecoderKernels.Linear(x[m..], rows, d, _p.LstmWeight.AsSpan(m), default, g, gates, part, part.ProductThreads(ws), w.LstmContext,
            accumulate: true, xStride: stride, weightStride: stride);                                      // + W_z (β⊙z)
        DecoderKernels.Linear(x[(m + d)..], rows, h, _p.LstmWeight.AsSpan(m + d), _p.LstmBias, g, gates, part, part.ProductThreads(ws), w.LstmHidden,
            accumulate: true, xStride: stride, weightStride: stride);                                      // + W_h h + b  [R, 4H]
    }

    public void DeepOutput(ReadOnlySpan<float> h, ReadOnlySpan<float> context, int rows, Span<float> o, DecoderWorkspace ws, StepPart part)
    {
        var w = _parts.For(part);
        int m = _c.EmbeddingDim;
        DecoderKernels.Linear(h, rows, _c.HiddenDim, _p.OutHiddenWeight, _p.OutHiddenBias, m, o, part, part.ProductThreads(ws), w.OutHidden);       // L_h h_t + b_h
        DecoderKernels.Linear(context, rows, _c.FeatureDim, _p.OutContextWeight, default, m, o, part, part.ProductThreads(ws), w.OutContext,
            accumulate: true);                                                                             // + L_z β⊙z  [R, M]
    }

    public void Logits(ReadOnlySpan<float> o, int rows, Span<float> logits, DecoderWorkspace ws, StepPart part) =>
        DecoderKernels.Linear(o, rows, _c.EmbeddingDim, _p.OutputWeight, _p.OutputBias, _c.VocabSize, logits, part, part.ProductThreads(ws),
            _parts.For(part).Output);                                                                      // W_o o + b_o [R, V]
}
