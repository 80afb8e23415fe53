using ImageCaptioning.Errors;

namespace ImageCaptioning.Tags;

/// <summary>A tag table file is missing or breaks a rule of its format (the message says which file, line and rule).</summary>
public sealed class TagTableFormatException : ImageCaptioningException
{
    public TagTableFormatException(string filePath, string problem)
        : base($"Tag table '{filePath}': {problem}") => FilePath = filePath;

    /// <summary>The file at fault.</summary>
    public string FilePath { get; }
}
