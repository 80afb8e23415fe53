using System.Numerics.Tensors;

namespace ImageCaptioning.Encoder;

/// <summary>What the encoder computes for one image.</summary>
public sealed class EncoderOutput
{
    private readonly IReadOnlyList<string> _classNames;

    internal EncoderOutput(float[] grid, float[] logits, IReadOnlyList<string> classNames, float[]? fineGrid = null)
    {
        if (fineGrid is not null && fineGrid.Length != FeatureGrid.Fine.Floats)
            throw new ArgumentException($"The fine grid holds {FeatureGrid.Fine.Floats} floats, not {fineGrid.Length}.", nameof(fineGrid));
        FineGrid = fineGrid;
        if (grid.Length != EncoderGeometry.GridFloats)
            throw new ArgumentException($"The grid holds {EncoderGeometry.GridFloats} floats, not {grid.Length}.", nameof(grid));
        if (logits.Length != EncoderGeometry.Classes)
            throw new ArgumentException($"The logits hold {EncoderGeometry.Classes} floats, not {logits.Length}.", nameof(logits));
        Grid = grid;
        Pooled = FeatureLayout.MeanOverPositions(grid);
        Logits = logits;
        _classNames = classNames;
    }

    /// <summary>
    /// The last convolution's feature map, position-major [49, 1280]: <c>Grid[p * 1280 + c]</c>,
    /// <c>p = row * 7 + col</c>. Values are dequantised uint8 (ReLU6 output, so in 0..6).
    /// </summary>
    public float[] Grid { get; }

    /// <summary>
    /// The stride-16 stage's map, position-major [196, 576] (<c>p = row * 14 + col</c>), when the encoder was asked for it
    /// (<see cref="EncoderOptions.FineGrid"/>); else null.
    /// </summary>
    public float[]? FineGrid { get; }

    /// <summary>The map a decoder reading <paramref name="grid"/> attends over.</summary>
    /// <exception cref="InvalidOperationException">The fine grid was asked for but the encoder was not told to compute it.</exception>
    public float[] GridOf(FeatureGrid grid)
    {
        if (grid == FeatureGrid.Final) return Grid;
        if (grid == FeatureGrid.Fine) return RequireFineGrid();
        var built = new float[grid.Floats];
        WriteGrid(grid, built);
        return built;
    }

    /// <summary>
    /// Writes the map of <paramref name="grid"/> ([P, C] position-major) into <paramref name="destination"/>, so a batch
    /// fills its buffer without a per-image array in between.
    /// </summary>
    /// <exception cref="InvalidOperationException">The fine grid was asked for but the encoder was not told to compute it.</exception>
    public void WriteGrid(FeatureGrid grid, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (destination.Length < grid.Floats)
            throw new ArgumentException($"The {grid.Name} grid needs {grid.Floats} floats, not {destination.Length}.", nameof(destination));
        if (grid == FeatureGrid.Final) Grid.CopyTo(destination);
        else if (grid == FeatureGrid.Fine) RequireFineGrid().CopyTo(destination);
        else if (grid == FeatureGrid.FineWithContext) WriteWithParentCells(RequireFineGrid(), Grid, destination);
        else throw new ArgumentException($"Unknown grid {grid.Name}.", nameof(grid));
    }

    private float[] RequireFineGrid() =>
        FineGrid ?? throw new InvalidOperationException("This encoder was created without EncoderOptions.FineGrid.");

    /// <summary>
    /// [196, 576] and [49, 1280] → [196, 1856]: cell (row, col) of the 14×14 grid gets its own 576 values, then the 1280 of
    /// 7×7 cell (row / 2, col / 2), which covers it.
    /// </summary>
    internal static void WriteWithParentCells(ReadOnlySpan<float> fine, ReadOnlySpan<float> final, Span<float> grid)
    {
        FeatureGrid f = FeatureGrid.Fine, both = FeatureGrid.FineWithContext;
        for (int p = 0; p < f.Positions; p++)
            fine.Slice(p * f.Channels, f.Channels).CopyTo(grid.Slice(p * both.Channels, f.Channels));
        FeatureLayout.WriteParentCells(final, grid);
    }

    /// <summary>
    /// Mean of <see cref="Grid"/> over the 49 positions [1280]. The model's own global average pool
    /// computes the same mean but re-quantises it to uint8; this one stays in float (they agree within
    /// one quantisation step of the pool's output, see the tests).
    /// </summary>
    public float[] Pooled { get; }

    /// <summary>ImageNet class logits [1000] (before softmax).</summary>
    public float[] Logits { get; }

    /// <summary>The <paramref name="k"/> most likely ImageNet classes with their softmax probabilities, best first.</summary>
    public IReadOnlyList<(string Label, float Probability)> TopClasses(int k)
    {
        var probabilities = new float[Logits.Length];
        TensorPrimitives.SoftMax(Logits, probabilities);
        return [.. ClassProbability.Top(probabilities, _classNames, k).Select(c => (c.Label, c.Probability))];
    }
}
