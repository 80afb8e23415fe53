using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ImageCaptioning.Notebooks.Display;
using ImageCaptioning.Notebooks.Format;
using ImageCaptioning.Notebooks.References;
using ImageCaptioning.Notebooks.Rendering;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Scripting;

namespace ImageCaptioning.Notebooks.Execution;

/// <summary>
/// Executes a Polyglot Notebooks C# notebook the way its kernel would — code cells in order, one shared script state,
/// <c>#r</c> directives honoured, <c>display(...)</c> available — and records every output in nbformat 4. The first
/// failing cell stops the run; its error is recorded as that cell's output and reported with the cell number.
/// </summary>
public sealed partial class NotebookRunner(NotebookRunOptions? options = null)
{
    private readonly NotebookRunOptions _options = options ?? new NotebookRunOptions();

    /// <exception cref="NotebookFormatException">The file is not a readable nbformat 4 notebook.</exception>
    public async Task<NotebookRunResult> RunAsync(string notebookPath, CancellationToken ct = default)
    {
        notebookPath = Path.GetFullPath(notebookPath);
        var notebook = NotebookDocument.Load(notebookPath).Clone();
        string name = Path.GetFileName(notebookPath);
        string directory = Path.GetDirectoryName(notebookPath)!;
        var resolver = new ReferenceResolver(_options.NuGetCacheDirectory);
        var globals = new NotebookGlobals();
        var session = new ScriptSession(globals);
        var runs = new List<CellRun>();
        var references = new List<ResolvedReference>();
        NotebookExecutionException? failure = null;
        var total = Stopwatch.StartNew();
        int executionCount = 0;

        foreach (var cell in notebook.Cells.Where(c => c.Kind == NotebookCellKind.Code))
        {
            cell.Outputs.Clear();
            cell.ExecutionCount = null;
        }

        for (int index = 0; index < notebook.Cells.Count && failure is null; index++)
        {
            var cell = notebook.Cells[index];
            if (cell.Kind != NotebookCellKind.Code || string.IsNullOrWhiteSpace(cell.Source))
                continue;
            int number = index + 1;
            cell.ExecutionCount = ++executionCount;
            var collector = new CellOutputCollector();
            globals.StartCell(collector);
            var clock = Stopwatch.StartNew();
            try
            {
                string kernel = cell.KernelName(notebook.DefaultKernelName);
                if (!kernel.Equals(NotebookCell.CSharpKernel, StringComparison.OrdinalIgnoreCase))
                    throw new NotebookFormatException($"the cell is for the '{kernel}' kernel; the runner executes C# cells only.");
                var code = CellDirectiveParser.Parse(cell.Source);
                foreach (var directive in code.References)
                {
                    var resolved = resolver.Resolve(directive, directory);
                    session.AddReferences(resolved.Assemblies);
                    references.Add(resolved);
                    _options.Log?.Invoke($"{name}: cell {number}: {directive.Text} → {resolved.Origin}");
                }
                ConsoleCapture.Route(collector);
                object? value = await session.RunAsync(code.Code, $"cell {number}", ct).ConfigureAwait(false);
                if (value is not null)
                    collector.Add(new ExecuteResultOutput(executionCount, DisplayFormatter.Format(value)));
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                var error = Describe(ex, number);
                collector.Add(error);
                failure = new NotebookExecutionException(name, number,
                    $"{name}: cell {number} ([{executionCount}]) failed: {error.Name}: {error.Value}", ex);
            }
            finally
            {
                ConsoleCapture.Route(null);
            }
            var outputs = collector.Snapshot();
            cell.Outputs.AddRange(outputs);
            runs.Add(new CellRun(number, executionCount, clock.Elapsed, outputs));
            _options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"{name}: cell {number} [{executionCount}] {clock.Elapsed.TotalSeconds:F1} s, {outputs.Count} output(s){(failure is null ? "" : ", FAILED")}"));
        }

        var (executedPath, htmlPath) = await WriteOutputsAsync(notebook, name, ct).ConfigureAwait(false);
        if (failure is null && _options.UpdateSourceNotebook)
            await notebook.SaveAsync(notebookPath, ct).ConfigureAwait(false);
        return new NotebookRunResult(notebookPath, notebook, runs, references, failure, executedPath, htmlPath, total.Elapsed);
    }

    private async Task<(string? Notebook, string? Html)> WriteOutputsAsync(NotebookDocument notebook, string name, CancellationToken ct)
    {
        if (_options.OutputDirectory is not { } folder)
            return (null, null);
        Directory.CreateDirectory(folder);
        string executedPath = Path.Combine(folder, name);
        await notebook.SaveAsync(executedPath, ct).ConfigureAwait(false);
        string plotly = Path.GetFileName(PlotlyScript.WriteTo(folder));
        string htmlPath = Path.ChangeExtension(executedPath, ".html");
        await File.WriteAllTextAsync(htmlPath,
            NotebookHtmlRenderer.Render(notebook, Path.GetFileNameWithoutExtension(name), plotly), ct).ConfigureAwait(false);
        return (executedPath, htmlPath);
    }

    /// <summary>The error output for a failed cell: compiler diagnostics with their cell line, or the exception and its stack.</summary>
    private static ErrorOutput Describe(Exception ex, int cellNumber)
    {
        if (ex is CompilationErrorException compilation)
        {
            var errors = compilation.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)
                .Select(d => $"line {d.Location.GetLineSpan().StartLinePosition.Line + 1}: {d.Id}: {d.GetMessage(CultureInfo.InvariantCulture)}")
                .ToArray();
            return new ErrorOutput("CompilationError", errors.FirstOrDefault() ?? compilation.Message, errors);
        }
        if (ex is NotebookReferenceException or NotebookFormatException)
            return new ErrorOutput(ex.GetType().Name, ex.Message, [ex.Message]);

        // The deepest frame inside this cell names the line that threw.
        var line = CellLine().Matches(ex.ToString()).Where(m => m.Groups["cell"].Value == cellNumber.ToString(CultureInfo.InvariantCulture))
            .Select(m => m.Groups["line"].Value).FirstOrDefault();
        string value = line is null ? ex.Message : $"line {line}: {ex.Message}";
        return new ErrorOutput(ex.GetType().FullName ?? ex.GetType().Name, value, ex.ToString().ReplaceLineEndings("\n").Split('\n'));
    }

    [GeneratedRegex(@"in cell (?<cell>\d+):line (?<line>\d+)")]
    private static partial Regex CellLine();
}
