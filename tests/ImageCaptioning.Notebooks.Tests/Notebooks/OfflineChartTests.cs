using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ImageCaptioning.Notebooks.Tests.Notebooks;

/// <summary>
/// The chart outputs of a real-kernel notebook, put on one page in output order, draw in headless Debian Chromium
/// with every network name unresolvable: plotly.js comes from the first chart, each chart replaces its static SVG
/// with the interactive plot.
/// </summary>
public sealed partial class OfflineChartTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task The_attention_notebooks_charts_draw_offline_in_chromium()
    {
        var notebook = ExecutedNotebook.Load("05-attention-plots.ipynb");
        if (!File.Exists(Chromium))
        {
            const string reason = "Chromium is not installed (apt-get install -y chromium).";
            if (TestData.DataRequired)
                Assert.Fail(reason);
            Assert.Skip(reason);
        }
        int charts = notebook.Charts().Count;
        string folder = Path.Combine(TestData.RepositoryRoot(), "artifacts", "notebook-pages");
        Directory.CreateDirectory(folder);
        string page = Path.Combine(folder, "05-attention-plots.html");
        await File.WriteAllTextAsync(page, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>\n"
            + string.Join("\n", notebook.Htmls()) + "\n</body></html>", TestContext.Current.CancellationToken);

        string dom = await DumpDomAsync(page);

        Assert.Equal(charts, PlotContainer().Count(dom));
        Assert.Contains("imagecaptioning-static-chart", page.Length > 0 ? File.ReadAllText(page) : "", StringComparison.Ordinal);
        Assert.DoesNotContain("imagecaptioning-static-chart", dom, StringComparison.Ordinal);   // no chart still shows its static SVG
    }

    private static async Task<string> DumpDomAsync(string page)
    {
        var start = new ProcessStartInfo(Chromium) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run",
            "--host-resolver-rules=MAP * ~NOTFOUND",   // nothing may come from the network
            "--virtual-time-budget=20000",             // lets plotly.js finish drawing before the DOM is dumped
            "--dump-dom", new Uri(page).AbsoluteUri,
        })
            start.ArgumentList.Add(argument);
        using var chromium = Process.Start(start)!;
        var output = chromium.StandardOutput.ReadToEndAsync();
        var errors = chromium.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await chromium.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            chromium.Kill(entireProcessTree: true);
            Assert.Fail("Chromium did not finish within 120 s.");
        }
        Assert.True(chromium.ExitCode == 0, $"Chromium exited with {chromium.ExitCode}: {await errors}");
        return await output;
    }

    [GeneratedRegex("class=\"plot-container plotly\"")]
    private static partial Regex PlotContainer();
}
