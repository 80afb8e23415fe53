using System.Numerics.Tensors;

namespace ImageCaptioning.Encoder;

/// <summary>Rearranges the ONNX feature map into the layout the decoder reads.</summary>
internal static class FeatureLayout
{
    /// <summary>
    /// ONNX's channel-major [1280, 7, 7] (= [1280, 49]) → position-major [49, 1280]:
    /// <c>grid[p * 1280 + c] = map[c * 49 + p]</c> with <c>p = row * 7 + col</c>.
    /// </summary>
    public static void ToPositionMajor(ReadOnlySpan<float> channelMajor, Span<float> grid) =>
        ToPositionMajor(channelMajor, grid, EncoderGeometry.Positions, EncoderGeometry.Channels);

    /// <summary>The same for any grid: [channels, positions] → [positions, channels].</summary>
    public static void ToPositionMajor(ReadOnlySpan<float> channelMajor, Span<float> grid, int positions, int channels)
    {
        if (channelMajor.Length != positions * channels || grid.Length != positions * channels)
            throw new ArgumentException($"Feature maps hold {positions}×{channels} floats.");
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> channel = channelMajor.Slice(c * positions, positions);
            for (int p = 0; p < positions; p++)
                grid[p * channels + c] = channel[p];
        }
    }

    /// <summary>Mean over the 49 positions of a position-major grid [49, 1280] → [1280].</summary>
    public static float[] MeanOverPositions(ReadOnlySpan<float> grid)
    {
        const int positions = EncoderGeometry.Positions, channels = EncoderGeometry.Channels;
        var pooled = new float[channels];
        for (int p = 0; p < positions; p++)
            TensorPrimitives.Add(pooled, grid.Slice(p * channels, channels), pooled);
        TensorPrimitives.Multiply(pooled, 1f / positions, pooled);
        return pooled;
    }
}
