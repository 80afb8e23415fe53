namespace ImageCaptioning.Encoder;

/// <summary>
/// The normalisation MobileNetV2 was trained with: per channel (x/255 − mean) / std on RGB pixels.
/// The derived model applies it itself (so ML.NET and the raw path both feed raw 0..255 pixels) as
/// <c>(x − 255·mean) · (1 / (255·std))</c>; <see cref="Normalize"/> is the same arithmetic in C#,
/// used to feed the original model in tests.
/// </summary>
public static class ImageNetNormalization
{
    public static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    public static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    /// <summary>255·mean per channel: the Sub constant.</summary>
    public static float[] PixelMean { get; } = [.. Mean.Select(m => 255f * m)];

    /// <summary>1 / (255·std) per channel: the Mul constant.</summary>
    public static float[] PixelInverseStd { get; } = [.. Std.Select(s => 1f / (255f * s))];

    /// <summary>Normalises planar RGB pixels [N, 3, H, W] in 0..255 exactly as the derived model's Sub/Mul nodes do.</summary>
    public static float[] Normalize(ReadOnlySpan<float> chwPixels, int planeSize)
    {
        var result = new float[chwPixels.Length];
        for (int i = 0; i < chwPixels.Length; i++)
        {
            int channel = i / planeSize % 3;
            result[i] = (chwPixels[i] - PixelMean[channel]) * PixelInverseStd[channel];
        }
        return result;
    }
}
