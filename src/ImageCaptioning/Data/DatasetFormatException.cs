using ImageCaptioning.Errors;

namespace ImageCaptioning.Data;

/// <summary>A Flickr8k file is missing or malformed; the message names the file and, when a line is to blame, its 1-based number.</summary>
public sealed class DatasetFormatException : ImageCaptioningException
{
    public DatasetFormatException(string filePath, string message) : base(message) => FilePath = filePath;

    public DatasetFormatException(string filePath, int lineNumber, string problem)
        : base($"{filePath}, line {lineNumber}: {problem}")
    {
        FilePath = filePath;
        LineNumber = lineNumber;
    }

    /// <summary>The file (or folder) at fault.</summary>
    public string FilePath { get; }

    /// <summary>The 1-based line at fault, or null when the whole file is.</summary>
    public int? LineNumber { get; }
}
