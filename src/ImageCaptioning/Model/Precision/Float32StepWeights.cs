namespace ImageCaptioning.Model;

/// <summary>
/// The step's products on the float32 parameter arrays themselves, so every later change to them is seen (the trainer
/// evaluates on the dev set with a decoder on its live weights). Each product may use up to ws.MaxThreads cores.
/// </summary>
internal sealed class Float32StepWeights(DecoderParameters p) : IStepWeights
{
    private readonly DecoderConfig _c = p.Config;

    public DecoderWeightPrecision Precision => DecoderWeightPrecision.Float32;

    public void HiddenProjections(ReadOnlySpan<float> h, int rows, Span<float> attH, Span<float> gate, DecoderWorkspace ws)
    {
        DecoderKernels.Linear(h, rows, _c.HiddenDim, p.HiddenAttWeight, p.HiddenAttBias, _c.AttentionDim, attH, maxThreads: ws.MaxThreads); // [R, A]
        DecoderKernels.Linear(h, rows, _c.HiddenDim, p.GateWeight, p.GateBias, _c.FeatureDim, gate, maxThreads: ws.MaxThreads);             // [R, D]
    }

    public void LstmGates(ReadOnlySpan<int> tokens, ReadOnlySpan<float> x, int rows, Span<float> gates, DecoderWorkspace ws) =>
        DecoderKernels.Linear(x, rows, _c.EmbeddingDim + _c.FeatureDim + _c.HiddenDim, p.LstmWeight, p.LstmBias, 4 * _c.HiddenDim, gates, maxThreads: ws.MaxThreads); // [R, 4H]

    public void DeepOutput(ReadOnlySpan<float> h, ReadOnlySpan<float> context, int rows, Span<float> o, DecoderWorkspace ws)
    {
        int m = _c.EmbeddingDim;
        DecoderKernels.Linear(h, rows, _c.HiddenDim, p.OutHiddenWeight, p.OutHiddenBias, m, o, maxThreads: ws.MaxThreads);                  // L_h h_t + b_h
        DecoderKernels.Linear(context, rows, _c.FeatureDim, p.OutContextWeight, default, m, o, accumulate: true, maxThreads: ws.MaxThreads); // + L_z β⊙z
    }

    public void Logits(ReadOnlySpan<float> o, int rows, Span<float> logits, DecoderWorkspace ws) =>
        DecoderKernels.Linear(o, rows, _c.EmbeddingDim, p.OutputWeight, p.OutputBias, _c.VocabSize, logits, maxThreads: ws.MaxThreads); // [R, V]
}
