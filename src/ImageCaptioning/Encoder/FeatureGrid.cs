namespace ImageCaptioning.Encoder;

/// <summary>
/// A feature map of the encoder that a decoder can attend over: <see cref="Final"/>, the last convolution's 7×7×1280
/// (what the shipped decoders read), or <see cref="Fine"/>, the stride-16 stage's 14×14×576 (four times the cells,
/// each seeing a quarter of the area). A decoder's config names its grid by its size (positions × channels).
/// </summary>
public sealed record FeatureGrid(string Name, int Side, int Channels)
{
    /// <summary>The last convolution: 7×7 cells of 1280 channels.</summary>
    public static readonly FeatureGrid Final = new("7x7", EncoderGeometry.GridSide, EncoderGeometry.Channels);

    /// <summary>The 1×1 expansion before the last stride-2 stage: 14×14 cells of 576 channels.</summary>
    public static readonly FeatureGrid Fine = new("14x14", 14, 576);

    /// <summary>Side² cells, index <c>p = row * Side + col</c>.</summary>
    public int Positions => Side * Side;

    /// <summary>Floats of one image's grid [Positions, Channels].</summary>
    public int Floats => Positions * Channels;

    /// <summary>Every grid the encoder can produce.</summary>
    public static IReadOnlyList<FeatureGrid> All { get; } = [Final, Fine];

    /// <summary>The grid whose size is <paramref name="positions"/> × <paramref name="channels"/>, or null.</summary>
    public static FeatureGrid? Find(int positions, int channels) =>
        All.FirstOrDefault(g => g.Positions == positions && g.Channels == channels);

    /// <summary>The grid named <paramref name="name"/> ("7x7" or "14x14"), or null.</summary>
    public static FeatureGrid? Named(string name) =>
        All.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase));
}
