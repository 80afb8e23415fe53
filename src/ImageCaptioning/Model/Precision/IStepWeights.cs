namespace ImageCaptioning.Model;

/// <summary>
/// The four weight products of one <see cref="AttentionDecoder.Step"/>, in the precision chosen once when the decoder is
/// built: <see cref="Float32StepWeights"/> (the parameter arrays themselves) or <see cref="CompactStepWeights"/>
/// (a float16 snapshot at a few rows) or <see cref="Int8StepWeights"/> (int8 products at every size). Everything else in a step is the same float32 code for every precision.
/// Each product computes <paramref name="part"/>'s share of its outputs (<see cref="StepPart"/>; all of them when whole),
/// so two threads can share one step; only a snapshot's weights (compact, and the float32 ones packed beside them) can be shared.
/// </summary>
internal interface IStepWeights
{
    DecoderWeightPrecision Precision { get; }

    /// <summary>True when a step of <paramref name="rows"/> rows can be computed in two parts (<see cref="StepPart"/>).</summary>
    bool CanShare(int rows);

    /// <summary>attH = W_a h + b_a [R, A] and gate = W_β h + b_β [R, D] (before the sigmoid), from h = h_{t-1} [R, H].</summary>
    void HiddenProjections(ReadOnlySpan<float> h, int rows, Span<float> attH, Span<float> gate, DecoderWorkspace ws, StepPart part);

    /// <summary>gates = W_lstm x + b_lstm [R, 4H], x = [E y_{t-1}; β⊙z; h_{t-1}] [R, M + D + H], y_{t-1} = tokens [R].</summary>
    void LstmGates(ReadOnlySpan<int> tokens, ReadOnlySpan<float> x, int rows, Span<float> gates, DecoderWorkspace ws, StepPart part);

    /// <summary>o = L_h h_t + b_h + L_z (β⊙z) [R, M], from h = h_t [R, H] and context = β⊙z [R, D].</summary>
    void DeepOutput(ReadOnlySpan<float> h, ReadOnlySpan<float> context, int rows, Span<float> o, DecoderWorkspace ws, StepPart part);

    /// <summary>logits = W_o o + b_o [R, V], from o [R, M].</summary>
    void Logits(ReadOnlySpan<float> o, int rows, Span<float> logits, DecoderWorkspace ws, StepPart part);
}
