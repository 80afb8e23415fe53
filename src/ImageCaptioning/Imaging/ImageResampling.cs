namespace ImageCaptioning.Imaging;

/// <summary>How an image that is not already the encoder's size is scaled to it (aspect ratio not kept, like Flickr8k's copies).</summary>
public enum ImageResampling
{
    /// <summary>
    /// Nearest neighbour: exactly what ML.NET's <c>ResizeImages(..., ResizingKind.Fill)</c> does
    /// (SkiaSharp <c>Resize</c> with <c>SKFilterQuality.None</c>), so the raw and ML.NET paths give
    /// identical pixels. Aliases when shrinking big photos a lot.
    /// </summary>
    MatchMlNet,

    /// <summary>
    /// SkiaSharp's high-quality filter (mipmaps + cubic): smoother for large photos, but the raw
    /// path then no longer matches the ML.NET path on images that need resizing.
    /// </summary>
    Smooth,
}
