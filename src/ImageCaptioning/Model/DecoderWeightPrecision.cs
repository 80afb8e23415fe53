namespace ImageCaptioning.Model;

/// <summary>Which copy of the weights the inference decoder's per-step products read (see <see cref="Precision.IStepWeights"/>).</summary>
public enum DecoderWeightPrecision
{
    /// <summary>The float32 <see cref="DecoderParameters"/> arrays themselves (always right, even while a trainer updates them).</summary>
    Float32,
    /// <summary>
    /// A float16 snapshot taken when the decoder is built, read by steps of at most <see cref="AttentionDecoder.CompactWeightsMaxRows"/>
    /// rows (larger ones read float32): half the bytes per step, lossless for an F16 file.
    /// </summary>
    Float16,
    /// <summary>
    /// Int8 weights (one scale per matrix row) times u8 inputs (each row quantised on its own) at every number of rows: a
    /// quarter of float32's bytes and four multiply-adds per lane; a row's outputs depend on that row alone, so captions
    /// are the same at any batch size. Approximate: captions can differ slightly from float32's (see the model card).
    /// </summary>
    Int8,
}
