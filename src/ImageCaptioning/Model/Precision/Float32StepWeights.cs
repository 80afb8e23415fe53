using ImageCaptioning.Numerics;

namespace ImageCaptioning.Model;

/// <summary>
/// The step's products in float32. Live (the default): on the parameter arrays themselves, so every later change to them
/// is seen (the trainer evaluates on the dev set with a decoder on its live weights). Packed: each matrix is also packed
/// once for the GEMM kernel (<see cref="PrepackedMatrix"/>), which a batch's many-row products then read in place instead of
/// re-packing the weight on every call: bit-identical results, for weights that no longer change.
/// Each product may use up to ws.MaxThreads cores. Packed, two threads can also compute one step together
/// (<see cref="StepPart"/>): each reads its half of every matrix's outputs, packed once as well.
/// </summary>
internal sealed class Float32StepWeights : IStepWeights
{
    private readonly DecoderConfig _c;
    private readonly DecoderParameters _p;
    private readonly PackedParts<PackedWeights>? _packed;   // null: live, on the parameter arrays

    /// <summary>The step's matrices packed once ([out, in] each, as in <see cref="DecoderParameters"/>).</summary>
    private sealed record PackedWeights(PrepackedMatrix? HiddenAtt, PrepackedMatrix? Gate, PrepackedMatrix? Lstm,
        PrepackedMatrix? OutHidden, PrepackedMatrix? OutContext, PrepackedMatrix? Output);   // null: a half with no outputs

    /// <summary>Products on <paramref name="p"/>'s arrays; with <paramref name="packOnce"/>, on a packed copy taken now.</summary>
    public Float32StepWeights(DecoderParameters p, bool packOnce = false)
    {
        _p = p;
        _c = p.Config;
        if (packOnce) _packed = new(part => Pack(p, part));
    }

    /// <summary>
    /// Each matrix's rows for <paramref name="part"/>'s outputs (cut where <see cref="StepPart.Columns"/> cuts them), packed;
    /// whole, on the parameter arrays themselves.
    /// </summary>
    private static PackedWeights Pack(DecoderParameters p, StepPart part)
    {
        var c = p.Config;
        int a = c.AttentionDim, d = c.FeatureDim, h = c.HiddenDim, m = c.EmbeddingDim, v = c.VocabSize;
        static PrepackedMatrix? Rows(float[] weight, int outputs, int inputs, StepPart part)
        {
            var (r0, r1) = part.Columns(outputs);
            if (r1 == r0) return null;
            return new PrepackedMatrix(part.IsWhole ? weight : PackedParts.Block(weight, inputs, r0, r1, 0, inputs), r1 - r0, inputs);
        }
        return new PackedWeights(Rows(p.HiddenAttWeight, a, h, part), Rows(p.GateWeight, d, h, part), Rows(p.LstmWeight, 4 * h, m + d + h, part),
            Rows(p.OutHiddenWeight, m, h, part), Rows(p.OutContextWeight, m, d, part), Rows(p.OutputWeight, v, m, part));
    }

    /// <summary>
    /// The packed matrices <paramref name="part"/> reads: all of them whole (null when live), else its half of each. Each
    /// product then runs the same <see cref="DecoderKernels.Linear(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{float}, StepPart, int, IPackedWeight?, bool)"/>
    /// whole or in part.
    /// </summary>
    private PackedWeights? For(StepPart part) => _packed?.For(part)
        ?? (part.IsWhole ? null : throw new InvalidOperationException("A live float32 step is computed whole."));

    public DecoderWeightPrecision Precision => DecoderWeightPrecision.Float32;

    /// <summary>
    /// When packed (a snapshot's many-row steps): each product's outputs cut in two at the GEMM's column tiles, so every
    /// output is the same as in the whole product. Live: never (its many-row products split across threads themselves).
    /// </summary>
    public bool CanShare(int rows) => _packed is not null;

    public void HiddenProjections(ReadOnlySpan<float> h, int rows, Span<float> attH, Span<float> gate, DecoderWorkspace ws, StepPart part)
    {
        var packed = For(part);
        DecoderKernels.Linear(h, rows, _c.HiddenDim, _p.HiddenAttWeight, _p.HiddenAttBias, _c.AttentionDim, attH, part, part.ProductThreads(ws), packed?.HiddenAtt); // [R, A]
        DecoderKernels.Linear(h, rows, _c.HiddenDim, _p.GateWeight, _p.GateBias, _c.FeatureDim, gate, part, part.ProductThreads(ws), packed?.Gate);               // [R, D]
    }

    public void LstmGates(ReadOnlySpan<int> tokens, ReadOnlySpan<float> x, int rows, Span<float> gates, DecoderWorkspace ws, StepPart part)
    {
        DecoderKernels.Linear(x, rows, _c.EmbeddingDim + _c.FeatureDim + _c.HiddenDim, _p.LstmWeight, _p.LstmBias, 4 * _c.HiddenDim, gates, part,
            part.ProductThreads(ws), For(part)?.Lstm);                                                                                                         // [R, 4H]
    }

    public void DeepOutput(ReadOnlySpan<float> h, ReadOnlySpan<float> context, int rows, Span<float> o, DecoderWorkspace ws, StepPart part)
    {
        var packed = For(part);
        int m = _c.EmbeddingDim;
        DecoderKernels.Linear(h, rows, _c.HiddenDim, _p.OutHiddenWeight, _p.OutHiddenBias, m, o, part, part.ProductThreads(ws), packed?.OutHidden);             // L_h h_t + b_h
        DecoderKernels.Linear(context, rows, _c.FeatureDim, _p.OutContextWeight, default, m, o, part, part.ProductThreads(ws), packed?.OutContext, accumulate: true); // + L_z β⊙z
    }

    public void Logits(ReadOnlySpan<float> o, int rows, Span<float> logits, DecoderWorkspace ws, StepPart part) =>
        DecoderKernels.Linear(o, rows, _c.EmbeddingDim, _p.OutputWeight, _p.OutputBias, _c.VocabSize, logits, part, part.ProductThreads(ws), For(part)?.Output); // [R, V]
}
