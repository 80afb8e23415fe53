using ImageCaptioning.Numerics;

namespace ImageCaptioning.Model;

/// <summary>
/// The step's products in float32. Live (the default): on the parameter arrays themselves, so every later change to them
/// is seen (the trainer evaluates on the dev set with a decoder on its live weights). Packed: each matrix is also packed
/// once for the GEMM kernel (<see cref="PrepackedMatrix"/>), which a batch's many-row products then read in place instead of
/// re-packing the weight on every call: bit-identical results, for weights that no longer change.
/// Each product may use up to ws.MaxThreads cores.
/// </summary>
internal sealed class Float32StepWeights : IStepWeights
{
    private readonly DecoderConfig _c;
    private readonly DecoderParameters _p;
    private readonly PackedWeights? _packed;

    /// <summary>The step's matrices packed once ([out, in] each, as in <see cref="DecoderParameters"/>).</summary>
    private sealed record PackedWeights(PrepackedMatrix HiddenAtt, PrepackedMatrix Gate, PrepackedMatrix Lstm,
        PrepackedMatrix OutHidden, PrepackedMatrix OutContext, PrepackedMatrix Output);

    /// <summary>Products on <paramref name="p"/>'s arrays; with <paramref name="packOnce"/>, on a packed copy taken now.</summary>
    public Float32StepWeights(DecoderParameters p, bool packOnce = false)
    {
        _p = p;
        _c = p.Config;
        int a = _c.AttentionDim, d = _c.FeatureDim, h = _c.HiddenDim, m = _c.EmbeddingDim, v = _c.VocabSize;
        if (packOnce)
            _packed = new PackedWeights(new(p.HiddenAttWeight, a, h), new(p.GateWeight, d, h), new(p.LstmWeight, 4 * h, m + d + h),
                new(p.OutHiddenWeight, m, h), new(p.OutContextWeight, m, d), new(p.OutputWeight, v, m));
    }

    public DecoderWeightPrecision Precision => DecoderWeightPrecision.Float32;

    /// <summary>Never: a float32 step runs whole (its many-row products split across threads themselves).</summary>
    public bool CanShare(int rows) => false;

    private static void RequireWhole(StepPart part)
    {
        if (!part.IsWhole) throw new InvalidOperationException("A float32 step is computed whole.");
    }

    public void HiddenProjections(ReadOnlySpan<float> h, int rows, Span<float> attH, Span<float> gate, DecoderWorkspace ws, StepPart part)
    {
        RequireWhole(part);
        DecoderKernels.Linear(h, rows, _c.HiddenDim, _p.HiddenAttWeight, _packed?.HiddenAtt, _p.HiddenAttBias, _c.AttentionDim, attH, maxThreads: ws.MaxThreads); // [R, A]
        DecoderKernels.Linear(h, rows, _c.HiddenDim, _p.GateWeight, _packed?.Gate, _p.GateBias, _c.FeatureDim, gate, maxThreads: ws.MaxThreads);             // [R, D]
    }

    public void LstmGates(ReadOnlySpan<int> tokens, ReadOnlySpan<float> x, int rows, Span<float> gates, DecoderWorkspace ws, StepPart part)
    {
        RequireWhole(part);
        DecoderKernels.Linear(x, rows, _c.EmbeddingDim + _c.FeatureDim + _c.HiddenDim, _p.LstmWeight, _packed?.Lstm, _p.LstmBias, 4 * _c.HiddenDim, gates,
            maxThreads: ws.MaxThreads);                                                                                                                    // [R, 4H]
    }

    public void DeepOutput(ReadOnlySpan<float> h, ReadOnlySpan<float> context, int rows, Span<float> o, DecoderWorkspace ws, StepPart part)
    {
        RequireWhole(part);
        int m = _c.EmbeddingDim;
        DecoderKernels.Linear(h, rows, _c.HiddenDim, _p.OutHiddenWeight, _packed?.OutHidden, _p.OutHiddenBias, m, o, maxThreads: ws.MaxThreads);              // L_h h_t + b_h
        DecoderKernels.Linear(context, rows, _c.FeatureDim, _p.OutContextWeight, _packed?.OutContext, default, m, o, accumulate: true, maxThreads: ws.MaxThreads); // + L_z β⊙z
    }

    public void Logits(ReadOnlySpan<float> o, int rows, Span<float> logits, DecoderWorkspace ws, StepPart part)
    {
        RequireWhole(part);
        DecoderKernels.Linear(o, rows, _c.EmbeddingDim, _p.OutputWeight, _packed?.Output, _p.OutputBias, _c.VocabSize, logits, maxThreads: ws.MaxThreads); // [R, V]
    }
}
