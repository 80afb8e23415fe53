using ImageCaptioning.Numerics;

namespace ImageCaptioning.Model;

/// <summary>
/// A float16 snapshot (<see cref="CompactMatrix"/>) of the matrices a step streams: at a few rows a step is bound
/// by reading its weights, so fewer bytes per weight is less time. A snapshot, so it is built only on weights that no
/// longer change (<see cref="DecoderModel"/> when loading, or an explicit <see cref="DecoderWeightPrecision"/>).
/// Products of the same input are stacked ([W_a; W_β] reads h_{t-1}, [L_h | L_z] reads [h_t; β⊙z]) so one pass reads
/// the input once; W_e E[y] depends only on the token, so a [V, 4H] table holds it and a step copies one row.
/// </summary>
internal sealed class CompactStepWeights : IStepWeights
{
    /// <summary>Most rows a step reads the snapshot with: with more, each weight is reused by every row and the float32 GEMM is faster.</summary>
    public const int MaxRows = 8;

    private readonly DecoderConfig _c;
    private readonly Float32StepWeights _wide;        // the steps of more than MaxRows rows (float32, packed once)

    /// <summary>Snapshots the per-step matrices of <paramref name="p"/> in float16.</summary>
    public CompactStepWeights(DecoderParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        _c = p.Config;
        _wide = new Float32StepWeights(p, packOnce: true);
        int a = _c.AttentionDim, d = _c.FeatureDim, h = _c.HiddenDim, m = _c.EmbeddingDim, v = _c.VocabSize;
        _hiddenAttGate = CompactMatrix.Stack((p.HiddenAttWeight, a), (p.GateWeight, d));
        _hiddenAttGateBias = [.. p.HiddenAttBias, .. p.GateBias];
        int x = m + d + h;
        // W_e is rounded like the rest, so the table holds what the float16 matrix would give.
        var embeddingBlock = new float[4 * h * m];                 // W_e    = W_lstm[:, :M]  [4H, M]
        var rest = new float[4 * h * (d + h)];                     // W_rest = W_lstm[:, M:]  [4H, D + H]
        for (int r = 0; r < 4 * h; r++)
        {
            var row = p.LstmWeight.AsSpan(r * x, x);
            for (int j = 0; j < m; j++) embeddingBlock[r * m + j] = (float)(Half)row[j];
            row[m..].CopyTo(rest.AsSpan(r * (d + h), d + h));
        }
        _lstmRest = new HalfMatrix(rest, 4 * h, d + h);
        _lstmByToken = new float[v * 4 * h];
        Gemm.Multiply(false, true, v, 4 * h, m, p.Embedding, m, embeddingBlock, m, _lstmByToken, 4 * h); // E · W_eᵀ  [V, 4H]
        _lstmBias = [.. p.LstmBias];
        var deepOutput = new float[m * (h + d)];
        for (int r = 0; r < m; r++)
        {
            p.OutHiddenWeight.AsSpan(r * h, h).CopyTo(deepOutput.AsSpan(r * (h + d), h));
            p.OutContextWeight.AsSpan(r * d, d).CopyTo(deepOutput.AsSpan(r * (h + d) + h, d));
        }
        _deepOutput = new HalfMatrix(deepOutput, m, h + d);
        _deepOutputBias = [.. p.OutHiddenBias];
        _output = new HalfMatrix(p.OutputWeight, v, m);
        _outputBias = [.. p.OutputBias];
    }

    public DecoderWeightPrecision Precision => DecoderWeightPrecision.Float16;

    private readonly CompactMatrix _hiddenAttGate;  // [W_a; W_β]   [A + D, H]
    private readonly float[] _hiddenAttGateBias;    // [b_a; b_β]   [A + D]
    private readonly CompactMatrix _lstmRest;       // W_lstm[:, M:], applied to [β⊙z; h]  [4H, D + H]
    private readonly float[] _lstmByToken;          // W_e E[y] for every word y  [V, 4H]
    private readonly float[] _lstmBias;             // b_lstm  [4H]
    private readonly CompactMatrix _deepOutput;     // [L_h | L_z]  [M, H + D]
    private readonly float[] _deepOutputBias;       // b_h  [M]
    private readonly CompactMatrix _output;         // W_o  [V, M]
    private readonly float[] _outputBias;           // b_o  [V]

    /// <summary>
    /// Always: at the snapshot's few rows each product's outputs (and the row copies around them) split in two; above
    /// them the packed float32 products' outputs (<see cref="Float32StepWeights.CanShare"/>).
    /// </summary>
    public bool CanShare(int rows) => rows <= MaxRows || _wide.CanShare(rows);

    public void HiddenProjections(ReadOnlySpan<float> h, int rows, Span<float> attH, Span<float> gate, DecoderWorkspace ws, StepPart part)
    {
        if (rows > MaxRows) { _wide.HiddenProjections(h, rows, attH, gate, ws, part); return; }
        int a = _c.AttentionDim, d = _c.FeatureDim;
        var (c0, c1) = part.Columns(a + d);
        var both = ws.HiddenAttGate.AsSpan(0, rows * (a + d));                                  // [W_a h + b_a; W_β h + b_β] [R, A + D]
        CompactGemm.MultiplyColumns(h, rows, _c.HiddenDim, _hiddenAttGate, _hiddenAttGateBias, both, a + d, c0, c1);
        for (int r = 0; r < rows; r++)                                                          // this part's columns of each
        {
            if (c0 < a) both.Slice(r * (a + d) + c0, Math.Min(c1, a) - c0).CopyTo(attH.Slice(r * a + c0, Math.Min(c1, a) - c0));
            if (c1 > a) both.Slice(r * (a + d) + Math.Max(c0, a), c1 - Math.Max(c0, a)).CopyTo(gate.Slice(r * d + Math.Max(c0, a) - a, c1 - Math.Max(c0, a)));
        }
    }

    public void LstmGates(ReadOnlySpan<int> tokens, ReadOnlySpan<float> x, int rows, Span<float> gates, DecoderWorkspace ws, StepPart part)
    {
        if (rows > MaxRows) { _wide.LstmGates(tokens, x, rows, gates, ws, part); return; }
        int m = _c.EmbeddingDim, g = 4 * _c.HiddenDim;
        var (c0, c1) = part.Columns(g);
        for (int r = 0; r < rows; r++)                                                          // W_e E[y] from the table
            _lstmByToken.AsSpan(tokens[r] * g + c0, c1 - c0).CopyTo(gates.Slice(r * g + c0, c1 - c0));
        CompactGemm.MultiplyColumns(x[m..], rows, m + _c.FeatureDim + _c.HiddenDim, _lstmRest, _lstmBias, gates, g, c0, c1, accumulate: true); // + W_rest [β⊙z; h] + b
    }

    public void DeepOutput(ReadOnlySpan<float> h, ReadOnlySpan<float> context, int rows, Span<float> o, DecoderWorkspace ws, StepPart part)
    {
        if (rows > MaxRows) { _wide.DeepOutput(h, context, rows, o, ws, part); return; }
        int hd = _c.HiddenDim, d = _c.FeatureDim;
        var input = ws.DeepOutInput.AsSpan(0, rows * (hd + d));                                 // [h_t; β⊙z] [R, H + D]
        var (r0, r1) = part.Rows(rows);
        for (int r = r0; r < r1; r++)
        {
            h.Slice(r * hd, hd).CopyTo(input.Slice(r * (hd + d), hd));
            context.Slice(r * d, d).CopyTo(input.Slice(r * (hd + d) + hd, d));
        }
        part.Sync();                                                                            // every row's input is in place
        var (c0, c1) = part.Columns(_c.EmbeddingDim);
        CompactGemm.MultiplyColumns(input, rows, hd + d, _deepOutput, _deepOutputBias, o, _c.EmbeddingDim, c0, c1);  // [L_h | L_z]·[h_t; β⊙z] + b_h
    }

    public void Logits(ReadOnlySpan<float> o, int rows, Span<float> logits, DecoderWorkspace ws, StepPart part)
    {
        if (rows > MaxRows) { _wide.Logits(o, rows, logits, ws, part); return; }
        var (c0, c1) = part.Columns(_c.VocabSize);
        CompactGemm.MultiplyColumns(o, rows, _c.EmbeddingDim, _output, _outputBias, logits, _c.VocabSize, c0, c1);
    }

    /// <summary>True when every weight a float16 snapshot would hold is already a float16 value (that copy is then exact).</summary>
    public static bool IsLossless(DecoderParameters p) =>
        HalfMatrix.IsExactlyRepresentable(p.HiddenAttWeight) && HalfMatrix.IsExactlyRepresentable(p.GateWeight)
        && HalfMatrix.IsExactlyRepresentable(p.LstmWeight) && HalfMatrix.IsExactlyRepresentable(p.OutHiddenWeight)
        && HalfMatrix.IsExactlyRepresentable(p.OutContextWeight) && HalfMatrix.IsExactlyRepresentable(p.OutputWeight);
}
