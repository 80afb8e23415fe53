using ImageCaptioning.Errors;

namespace ImageCaptioning.Notebooks;

/// <summary>A notebook file cannot be read: not JSON, not nbformat 4, or a cell the runner cannot execute.</summary>
public sealed class NotebookFormatException : ImageCaptioningException
{
    public NotebookFormatException(string message) : base(message) { }
    public NotebookFormatException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A <c>#r</c> directive names an assembly file or NuGet package the runner cannot provide.</summary>
public sealed class NotebookReferenceException(string message) : ImageCaptioningException(message);

/// <summary>
/// A notebook ran and one of its cells failed (compile error or exception). <see cref="CellNumber"/> is the cell's
/// 1-based position among all cells, the number a reader counts down the notebook to find it.
/// </summary>
public sealed class NotebookExecutionException(string notebook, int cellNumber, string message, Exception inner)
    : ImageCaptioningException(message, inner)
{
    /// <summary>The notebook's file name.</summary>
    public string Notebook { get; } = notebook;

    /// <summary>1-based position of the failing cell among all cells (markdown included).</summary>
    public int CellNumber { get; } = cellNumber;
}
