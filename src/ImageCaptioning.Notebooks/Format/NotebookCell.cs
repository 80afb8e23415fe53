using System.Text.Json.Nodes;

namespace ImageCaptioning.Notebooks.Format;

/// <summary>The three nbformat cell types.</summary>
public enum NotebookCellKind
{
    Markdown,
    Code,
    Raw,
}

/// <summary>
/// One cell of a notebook. <see cref="Metadata"/> is kept as read (Polyglot's kernel names live there) so a
/// notebook written back differs from the original only in its outputs and execution counts.
/// </summary>
public sealed class NotebookCell
{
    /// <summary>The kernel name Polyglot Notebooks gives C# cells.</summary>
    public const string CSharpKernel = "csharp";

    public NotebookCell(NotebookCellKind kind, string source, JsonObject? metadata = null, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        Kind = kind;
        Source = source;
        Metadata = metadata ?? [];
        Id = id;
    }

    public NotebookCellKind Kind { get; }

    /// <summary>The cell's text, lines joined with '\n'.</summary>
    public string Source { get; }

    public JsonObject Metadata { get; }

    /// <summary>nbformat 4.5's cell id, when the file has one.</summary>
    public string? Id { get; }

    /// <summary>The code cell's outputs (empty for markdown and raw cells).</summary>
    public List<CellOutput> Outputs { get; } = [];

    /// <summary>The <c>[n]</c> of a code cell that ran; null if it has not.</summary>
    public int? ExecutionCount { get; set; }

    /// <summary>
    /// The kernel this code cell is for: Polyglot's <c>polyglot_notebook.kernelName</c>, else the older
    /// <c>dotnet_interactive.language</c>, else <paramref name="defaultKernel"/>.
    /// </summary>
    public string KernelName(string defaultKernel) =>
        Metadata["polyglot_notebook"]?["kernelName"]?.GetValue<string>()
        ?? Metadata["dotnet_interactive"]?["language"]?.GetValue<string>()
        ?? defaultKernel;

    /// <summary>Metadata that marks a new code cell as C# for Polyglot Notebooks and for the older .NET Interactive extension.</summary>
    public static JsonObject CSharpCellMetadata() => new()
    {
        ["dotnet_interactive"] = new JsonObject { ["language"] = CSharpKernel },
        ["polyglot_notebook"] = new JsonObject { ["kernelName"] = CSharpKernel },
    };
}
