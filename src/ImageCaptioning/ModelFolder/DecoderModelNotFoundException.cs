using ImageCaptioning.Errors;

namespace ImageCaptioning.ModelFolder;

/// <summary>There is no decoder model folder where one was expected (e.g. before the first training run).</summary>
public sealed class DecoderModelNotFoundException(string folder, string message) : ImageCaptioningException(message)
{
    /// <summary>Where the model was looked for.</summary>
    public string Folder { get; } = folder;
}
