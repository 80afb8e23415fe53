using ImageCaptioning.Errors;

namespace ImageCaptioning.ModelFiles;

/// <summary>
/// A model file could not be provided: it is missing and cannot be downloaded, it is not in the
/// manifest, or a copy exists but its SHA-256 does not match the manifest (such a file is refused, never used).
/// </summary>
public sealed class ModelFileException : ImageCaptioningException
{
    public ModelFileException(string fileName, string message) : base(message) => FileName = fileName;

    public ModelFileException(string fileName, string message, Exception inner) : base(message, inner) => FileName = fileName;

    /// <summary>The manifest name of the file (e.g. <c>mobilenetv2-12-int8.onnx</c>).</summary>
    public string FileName { get; }
}
