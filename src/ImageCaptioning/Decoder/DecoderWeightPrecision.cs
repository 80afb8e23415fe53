namespace ImageCaptioning.Decoder;

/// <summary>Which copy of the weights the inference decoder's per-step products read.</summary>
public enum DecoderWeightPrecision
{
    /// <summary>The float32 <see cref="DecoderParameters"/> arrays themselves (always right, even while a trainer updates them).</summary>
    Float32,
    /// <summary>
    /// A float16 snapshot of the per-step matrices taken when the decoder is built (<see cref="HalfPrecisionWeights"/>):
    /// half the memory traffic per step. Lossless for a model whose file stores F16, as the shipped one does.
    /// </summary>
    Float16,
}
