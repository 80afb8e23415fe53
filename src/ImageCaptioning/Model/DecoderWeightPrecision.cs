namespace ImageCaptioning.Model;

/// <summary>Which copy of the weights the inference decoder's per-step products read.</summary>
public enum DecoderWeightPrecision
{
    /// <summary>The float32 <see cref="DecoderParameters"/> arrays themselves (always right, even while a trainer updates them).</summary>
    Float32,
    /// <summary>
    /// A float16 snapshot of the per-step matrices taken when the decoder is built (<see cref="CompactStepWeights"/>):
    /// half the memory traffic per step. Lossless for a model whose file stores F16, as the shipped one does.
    /// </summary>
    Float16,
    /// <summary>
    /// An int8 snapshot with one scale per matrix row (<see cref="CompactStepWeights"/>, <c>Int8Matrix</c>): a quarter of
    /// float32's memory traffic per step and cheaper widening than float16; each weight is rounded to 1/254 of its row's
    /// range, so captions can differ slightly from the file's exact weights (measured in the model card).
    /// </summary>
    Int8,
}
