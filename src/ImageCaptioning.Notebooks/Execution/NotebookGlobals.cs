using ImageCaptioning.Notebooks.Display;
using ImageCaptioning.Notebooks.Format;

namespace ImageCaptioning.Notebooks.Execution;

/// <summary>
/// What a notebook's code sees as globals: the two helpers Polyglot Notebooks' C# kernel provides and the project's
/// notebooks use, <c>display(value)</c> and <c>HTML(markup)</c>. Lower-case <c>display</c> matches the kernel, so a
/// notebook runs unchanged in both.
/// </summary>
public sealed class NotebookGlobals
{
    private CellOutputCollector? _cell;

    internal void StartCell(CellOutputCollector collector) => _cell = collector;

    /// <summary>Shows <paramref name="value"/> below the running cell (formatted by <see cref="DisplayFormatter"/>).</summary>
    /// <param name="mimeTypes">Optional: keep only these representations (e.g. <c>"text/plain"</c>).</param>
#pragma warning disable IDE1006 // the name is the Polyglot kernel's
    public void display(object? value, params string[] mimeTypes)
#pragma warning restore IDE1006
    {
        var cell = _cell ?? throw new InvalidOperationException("display() was called while no cell is running.");
        var bundle = DisplayFormatter.Format(value);
        if (mimeTypes.Length > 0)
            bundle = new MimeBundle(bundle.Where(entry => mimeTypes.Contains(entry.Key, StringComparer.OrdinalIgnoreCase)));
        cell.Add(new DisplayDataOutput(bundle));
    }

    /// <summary>Marks <paramref name="markup"/> as HTML for <see cref="display"/>.</summary>
    public HtmlContent HTML(string markup) => new(markup);
}
