namespace ImageCaptioning.Model;

/// <summary>Which copy of the weights the inference decoder's per-step products read (see <see cref="Precision.IStepWeights"/>).</summary>
public enum DecoderWeightPrecision
{
    /// <summary>The float32 <see cref="DecoderParameters"/> arrays themselves (always right, even while a trainer updates them).</summary>
    Float32,
    /// <summary>A float16 snapshot taken when the decoder is built: half the bytes per step, lossless for an F16 file (the shipped model).</summary>
    Float16,
    /// <summary>An int8 snapshot with one scale per matrix row: a quarter of the bytes; captions can differ slightly (see the model card).</summary>
    Int8,
}
