using ImageCaptioning.Errors;

namespace ImageCaptioning.Data;

/// <summary>A vocabulary JSON file is missing, not JSON, or breaks a rule of the format (the message says which).</summary>
public sealed class VocabularyFormatException : ImageCaptioningException
{
    public VocabularyFormatException(string filePath, string problem)
        : base($"Vocabulary file '{filePath}': {problem}") => FilePath = filePath;

    public VocabularyFormatException(string filePath, string problem, Exception inner)
        : base($"Vocabulary file '{filePath}': {problem}", inner) => FilePath = filePath;

    /// <summary>The file at fault.</summary>
    public string FilePath { get; }
}
