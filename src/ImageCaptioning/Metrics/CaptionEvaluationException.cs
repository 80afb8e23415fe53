using ImageCaptioning.Errors;

namespace ImageCaptioning.Metrics;

/// <summary>Captions cannot be scored as given: nothing to score, or an image without reference captions.</summary>
public sealed class CaptionEvaluationException : ImageCaptioningException
{
    public CaptionEvaluationException(string message) : base(message) { }
}
