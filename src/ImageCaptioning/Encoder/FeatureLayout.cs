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
        if (grid.Length != positions * channels)
            throw new ArgumentException($"Feature maps hold {positions}×{channels} floats.");
        ToPositionMajor(channelMajor, grid, positions, channels, stride: channels);
    }

    /// <summary>
    /// [channels, positions] → the first <paramref name="channels"/> values of rows <paramref name="stride"/> floats apart:
    /// <c>grid[p * stride + c] = map[c * positions + p]</c> (the own part of a cell that also carries its parent's values).
    /// </summary>
    public static void ToPositionMajor(ReadOnlySpan<float> channelMajor, Span<float> grid, int positions, int channels, int stride)
    {
        if (channelMajor.Length != positions * channels || grid.Length < (positions - 1) * stride + channels)
            throw new ArgumentException($"Feature maps hold {positions}×{channels} floats.");
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> channel = channelMajor.Slice(c * positions, positions);
            for (int p = 0; p < positions; p++)
                grid[p * stride + c] = channel[p];
        }
    }

    /// <summary>
    /// The 7×7 cells' values after each 14×14 cell's own: cell (row, col) of a [196, 576 + 1280] grid gets the 1280 values
    /// of 7×7 cell (row / 2, col / 2), which covers it. final: [49, 1280] position-major.
    /// </summary>
    public static void WriteParentCells(ReadOnlySpan<float> final, Span<float> grid)
    {
        FeatureGrid f = FeatureGrid.Fine, c = FeatureGrid.Final, both = FeatureGrid.FineWithContext;
        for (int row = 0; row < f.Side; row++)
            for (int col = 0; col < f.Side; col++)
            {
                int p = row * f.Side + col, parent = row / 2 * c.Side + col / 2;
                final.Slice(parent * c.Channels, c.Channels).CopyTo(grid.Slice(p * both.Channels + f.Channels, c.Channels));
            }
    }

    /// <summary>
    /// The map of <paramref name="grid"/> [P, C] position-major from an encoder run's outputs as they come: the 7×7 grid
    /// already position-major [49, 1280], the fine map as ONNX gives it [576, 14, 14] (empty for the 7×7 grid).
    /// </summary>
    public static void WriteGrid(FeatureGrid grid, ReadOnlySpan<float> final, ReadOnlySpan<float> fineChannelMajor, Span<float> destination)
    {
        var fine = FeatureGrid.Fine;
        if (grid == FeatureGrid.Final) final.CopyTo(destination);
        else if (grid == FeatureGrid.Fine) ToPositionMajor(fineChannelMajor, destination[..fine.Floats], fine.Positions, fine.Channels);
        else if (grid == FeatureGrid.FineWithContext)
        {
            ToPositionMajor(fineChannelMajor, destination, fine.Positions, fine.Channels, stride: grid.Channels);
            WriteParentCells(final, destination);
        }
        else throw new ArgumentException($"Unknown grid {grid.Name}.", nameof(grid));
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
