using ImageCaptioning.Errors;

namespace ImageCaptioning.Imaging;

/// <summary>Why an input was not accepted as an image. The web app maps these to HTTP statuses.</summary>
public enum InvalidImageReason
{
    /// <summary>Zero bytes (HTTP 400).</summary>
    Empty,
    /// <summary>The bytes are not any image format we recognise (HTTP 415).</summary>
    NotAnImage,
    /// <summary>A recognised image format that we do not decode, e.g. TIFF or HEIC (HTTP 415).</summary>
    UnsupportedFormat,
    /// <summary>Too many bytes, pixels or too long a side (HTTP 413).</summary>
    TooLarge,
    /// <summary>The header or the data is damaged or truncated (HTTP 400).</summary>
    Corrupt,
}

/// <summary>An input that cannot be encoded as an image, with one readable sentence saying why.</summary>
public sealed class InvalidImageException : ImageCaptioningException
{
    public InvalidImageException(InvalidImageReason reason, string message) : base(message) => Reason = reason;

    public InvalidImageException(InvalidImageReason reason, string message, Exception inner) : base(message, inner) => Reason = reason;

    public InvalidImageReason Reason { get; }
}
