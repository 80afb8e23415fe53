namespace ImageCaptioning.Imaging;

/// <summary>
/// The largest input we agree to decode. Checked on the header, before decoding, so an upload that
/// claims 20000×20000 pixels is refused without allocating a 1.6 GB bitmap.
/// </summary>
/// <param name="MaxSide">Longest allowed width or height in pixels.</param>
/// <param name="MaxPixels">Largest allowed width × height (the decoded bitmap takes 4 bytes per pixel).</param>
/// <param name="MaxBytes">Largest allowed encoded size in bytes.</param>
public sealed record ImageLimits(int MaxSide = 16384, long MaxPixels = 40_000_000, long MaxBytes = 50L * 1024 * 1024)
{
    public static ImageLimits Default { get; } = new();

    /// <summary>Throws <see cref="InvalidImageException"/> (<see cref="InvalidImageReason.TooLarge"/>) when the header is over a limit.</summary>
    public void Check(ImageHeader header, string source)
    {
        if (header.Width > MaxSide || header.Height > MaxSide)
            throw new InvalidImageException(InvalidImageReason.TooLarge,
                $"{source} is {header.Width}×{header.Height} pixels; the longest side allowed is {MaxSide}.");
        if (header.Pixels > MaxPixels)
            throw new InvalidImageException(InvalidImageReason.TooLarge,
                $"{source} is {header.Width}×{header.Height} = {header.Pixels:N0} pixels; at most {MaxPixels:N0} are allowed.");
    }

    /// <summary>Throws when an encoded input of <paramref name="length"/> bytes is empty or over <see cref="MaxBytes"/>.</summary>
    public void CheckLength(long length, string source)
    {
        if (length == 0)
            throw new InvalidImageException(InvalidImageReason.Empty, $"{source} is empty (zero bytes).");
        if (length > MaxBytes)
            throw TooLarge(length, source);
    }

    /// <summary>The error for an encoded input of <paramref name="length"/> bytes, over <see cref="MaxBytes"/>.</summary>
    public InvalidImageException TooLarge(long length, string source) =>
        new(InvalidImageReason.TooLarge, $"{source} is {length:N0} bytes; at most {MaxBytes:N0} are allowed.");
}
