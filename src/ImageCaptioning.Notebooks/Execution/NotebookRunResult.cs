using ImageCaptioning.Notebooks.Format;
using ImageCaptioning.Notebooks.References;

namespace ImageCaptioning.Notebooks.Execution;

/// <summary>One executed code cell.</summary>
/// <param name="CellNumber">1-based position among all cells.</param>
/// <param name="ExecutionCount">The cell's <c>[n]</c>.</param>
public sealed record CellRun(int CellNumber, int ExecutionCount, TimeSpan Elapsed, IReadOnlyList<CellOutput> Outputs);

/// <summary>The outcome of running a notebook.</summary>
/// <param name="Executed">The notebook with the outputs of every cell that ran.</param>
/// <param name="Failure">The failing cell's error; null when every cell ran.</param>
/// <param name="ExecutedNotebookPath">Where the executed .ipynb was written (null without an output folder).</param>
/// <param name="HtmlPath">Where its HTML rendering was written (null without an output folder).</param>
public sealed record NotebookRunResult(
    string NotebookPath,
    NotebookDocument Executed,
    IReadOnlyList<CellRun> Cells,
    IReadOnlyList<ResolvedReference> References,
    NotebookExecutionException? Failure,
    string? ExecutedNotebookPath,
    string? HtmlPath,
    TimeSpan Elapsed)
{
    public bool Succeeded => Failure is null;

    /// <summary>Every output of every cell, in order.</summary>
    public IEnumerable<CellOutput> Outputs => Cells.SelectMany(cell => cell.Outputs);

    /// <summary>Throws the failing cell's <see cref="NotebookExecutionException"/>, if any.</summary>
    public NotebookRunResult EnsureSuccess() => Failure is null ? this : throw Failure;
}
