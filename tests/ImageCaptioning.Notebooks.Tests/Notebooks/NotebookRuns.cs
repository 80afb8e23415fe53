using System.Collections.Concurrent;
using System.Diagnostics;
using ImageCaptioning.Notebooks.Execution;
using ImageCaptioning.Notebooks.Format;
using ImageCaptioning.Notebooks.Tests.Infrastructure;

namespace ImageCaptioning.Notebooks.Tests.Notebooks;

/// <summary>
/// Runs the committed notebooks in <c>notebooks/</c>, each at most once per test process (the attention-plot
/// screenshot reuses notebook 5's run), writing the executed notebooks and their HTML to <c>artifacts/notebooks/</c>.
/// </summary>
public static class NotebookRuns
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<NotebookRunResult>>> Runs = new(StringComparer.Ordinal);

    public static string ArtifactsDirectory(string kind) => Path.Combine(TestData.RepositoryRoot(), "artifacts", kind);

    /// <summary>The notebook's run; skips (or, in CI, fails) when the encoder or Flickr8k is missing.</summary>
    public static Task<NotebookRunResult> RunAsync(string fileName)
    {
        TestData.ModelsDirectory();
        TestData.Flickr8kDirectory();
        return Runs.GetOrAdd(fileName, name => new Lazy<Task<NotebookRunResult>>(() => RunOnceAsync(name))).Value;
    }

    private static async Task<NotebookRunResult> RunOnceAsync(string fileName)
    {
        string path = Path.Combine(TestData.RepositoryRoot(), "notebooks", fileName);
        var clock = Stopwatch.StartNew();
        var result = await new NotebookRunner(new NotebookRunOptions { OutputDirectory = ArtifactsDirectory("notebooks") })
            .RunAsync(path);
        // Printed, never asserted: the 60 s budget is checked by reading CI logs, not by a flaky timed test.
        TestContext.Current.TestOutputHelper?.WriteLine($"{fileName}: {clock.Elapsed.TotalSeconds:F1} s, {result.Cells.Count} cells");
        return result;
    }

    /// <summary>The text/plain of every displayed value and result, and every stream, in order.</summary>
    public static IReadOnlyList<string> Texts(this NotebookRunResult result) =>
        [.. result.Outputs.SelectMany(o => o switch
        {
            DisplayDataOutput d when d.Data.ContainsKey(MimeBundle.PlainText) => [d.Data[MimeBundle.PlainText]],
            ExecuteResultOutput r when r.Data.ContainsKey(MimeBundle.PlainText) => [r.Data[MimeBundle.PlainText]],
            StreamOutput s => [s.Text],
            _ => Array.Empty<string>(),
        })];

    /// <summary>The HTML of every Plotly chart the notebook displayed.</summary>
    public static IReadOnlyList<string> Charts(this NotebookRunResult result) =>
        [.. result.Outputs.Select(o => o switch
            {
                DisplayDataOutput d => d.Data,
                ExecuteResultOutput r => r.Data,
                _ => null,
            })
            .Where(b => b is not null && b.TryGetValue(MimeBundle.Html, out string? html) && html.Contains("Plotly.newPlot", StringComparison.Ordinal))
            .Select(b => b![MimeBundle.Html])];
}
