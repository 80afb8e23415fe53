namespace ImageCaptioning.Encoder;

/// <summary>
/// A feature map of the encoder that a decoder can attend over: <see cref="Final"/>, the last convolution's 7×7×1280
/// (what the shipped decoders read), or <see cref="Fine"/>, the stride-16 stage's 14×14×576 (four times the cells,
/// each seeing a quarter of the area), or <see cref="FineWithContext"/>, each fine cell followed by its 7×7 parent cell's
/// 1280 channels. A decoder's config names its grid by its size (positions × channels).
/// </summary>
public sealed record FeatureGrid(string Name, int Side, int Channels)
{
    /// <summary>The last convolution: 7×7 cells of 1280 channels.</summary>
    public static readonly FeatureGrid Final = new("7x7", EncoderGeometry.GridSide, EncoderGeometry.Channels);

    /// <summary>The 1×1 expansion before the last stride-2 stage: 14×14 cells of 576 channels.</summary>
    public static readonly FeatureGrid Fine = new("14x14", 14, 576);

    /// <summary>
    /// 14×14 cells of 576 + 1280 channels: a fine cell's own features, then those of the 7×7 cell that covers it
    /// (the last layer's meaning at the fine layer's resolution).
    /// </summary>
    public static readonly FeatureGrid FineWithContext = new("14x14+7x7", 14, 576 + EncoderGeometry.Channels);

    /// <summary>Side² cells, index <c>p = row * Side + col</c>.</summary>
    public int Positions => Side * Side;

    /// <summary>Floats of one image's grid [Positions, Channels].</summary>
    public int Floats => Positions * Channels;

    /// <summary>Every grid the encoder can produce.</summary>
    public static IReadOnlyList<FeatureGrid> All { get; } = [Final, Fine, FineWithContext];

    /// <summary>The grid whose size is <paramref name="positions"/> × <paramref name="channels"/>, or null.</summary>
    public static FeatureGrid? Find(int positions, int channels) =>
        All.FirstOrDefault(g => g.Positions == positions && g.Channels == channels);

    /// <summary>True for the grids made from the 14×14 map (the encoder must be asked for it).</summary>
    public bool NeedsFineMap => Side == Fine.Side;

    /// <summary>The grid named <paramref name="name"/> ("7x7", "14x14" or "14x14+7x7"), or null.</summary>
    public static FeatureGrid? Named(string name) =>
        All.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase));
}
