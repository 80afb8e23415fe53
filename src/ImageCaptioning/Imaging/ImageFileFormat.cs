namespace ImageCaptioning.Imaging;

/// <summary>The image formats the encoder accepts (each decoded by SkiaSharp, as ML.NET does).</summary>
public enum ImageFileFormat
{
    Jpeg,
    Png,
    Bmp,
    /// <summary>Only the first frame of an animation is used.</summary>
    Gif,
    /// <summary>Lossy (VP8), lossless (VP8L) and extended (VP8X) WebP.</summary>
    WebP,
}

/// <summary>Format and size read from a file's header, before any pixel is decoded.</summary>
public readonly record struct ImageHeader(ImageFileFormat Format, int Width, int Height)
{
    public long Pixels => (long)Width * Height;
}
