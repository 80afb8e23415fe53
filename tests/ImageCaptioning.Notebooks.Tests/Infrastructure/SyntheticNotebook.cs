using ImageCaptioning.Notebooks.Format;

namespace ImageCaptioning.Notebooks.Tests.Infrastructure;

/// <summary>Builds small Polyglot C# notebooks for the runner's tests: a string starting with "# " is a markdown cell, anything else a code cell.</summary>
public static class SyntheticNotebook
{
    public static NotebookDocument Create(params string[] cells) =>
        new(cells.Select(text => text.StartsWith("# ", StringComparison.Ordinal)
            ? new NotebookCell(NotebookCellKind.Markdown, text)
            : new NotebookCell(NotebookCellKind.Code, text, NotebookCell.CSharpCellMetadata())));

    /// <summary>Writes the notebook as <paramref name="name"/> in <paramref name="folder"/> and returns its path.</summary>
    public static string Write(string folder, string name, params string[] cells)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, Create(cells).ToJson());
        return path;
    }
}
