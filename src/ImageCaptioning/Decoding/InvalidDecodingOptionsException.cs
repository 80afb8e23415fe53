using ImageCaptioning.Errors;

namespace ImageCaptioning.Decoding;

/// <summary>A <see cref="DecodingOptions"/> value is out of range (e.g. beam width 0).</summary>
public sealed class InvalidDecodingOptionsException(string message) : ImageCaptioningException(message);
