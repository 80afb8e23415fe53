using ImageCaptioning.Errors;

namespace ImageCaptioning.Metrics;

/// <summary>A captions or reference file is missing or malformed (the message names the file and line).</summary>
public sealed class CaptionFileException : ImageCaptioningException
{
    public CaptionFileException(string message) : base(message) { }
    public CaptionFileException(string message, Exception inner) : base(message, inner) { }
}
