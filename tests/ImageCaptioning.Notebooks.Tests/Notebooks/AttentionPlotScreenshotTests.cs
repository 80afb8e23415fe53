using System.Diagnostics;
using ImageCaptioning.Notebooks.Display;
using ImageCaptioning.Notebooks.Format;
using ImageCaptioning.Notebooks.Rendering;
using ImageCaptioning.Notebooks.Tests.Infrastructure;
using SkiaSharp;

namespace ImageCaptioning.Notebooks.Tests.Notebooks;

/// <summary>
/// Renders notebook 5's first attention figure on its own page, screenshots it in headless Debian Chromium and keeps
/// the PNG in <c>artifacts/screenshots/</c> — proof that the chart HTML the runner records really draws offline.
/// </summary>
public sealed class AttentionPlotScreenshotTests
{
    private const string Chromium = "/usr/bin/chromium";

    /// <summary>An attention figure: a Plotly chart of photo (image trace) panels with heat maps, titled "Attention: …".</summary>
    public static bool IsAttentionFigure(string chartHtml) =>
        chartHtml.Contains("Attention: ", StringComparison.Ordinal)
        && chartHtml.Contains("\"type\":\"image\"", StringComparison.Ordinal)
        && chartHtml.Contains("\"type\":\"heatmap\"", StringComparison.Ordinal);

    [Fact]
    public async Task The_attention_plot_renders_in_headless_chromium()
    {
        var run = (await NotebookRuns.RunAsync("05-attention-plots.ipynb")).EnsureSuccess();
        if (!File.Exists(Chromium))
        {
            const string reason = "Chromium is not installed (apt-get install -y chromium).";
            if (TestData.DataRequired)
                Assert.Fail(reason);
            Assert.Skip(reason);
        }
        string figure = run.Charts().First(IsAttentionFigure);
        string folder = NotebookRuns.ArtifactsDirectory("screenshots");
        Directory.CreateDirectory(folder);
        PlotlyScript.WriteTo(folder);
        string page = Path.Combine(folder, "attention-plot.html");
        await File.WriteAllTextAsync(page, NotebookHtmlRenderer.RenderStandalone(
            new MimeBundle { { MimeBundle.Html, figure } }, "attention plot", PlotlyScript.FileName), TestContext.Current.CancellationToken);
        string png = Path.Combine(folder, "attention-plot.png");
        File.Delete(png);

        await ScreenshotAsync(page, png, width: 980, height: 660);

        Assert.True(File.Exists(png), "Chromium wrote no screenshot");
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal((980, 660), (bitmap.Width, bitmap.Height));
        // A drawn figure holds the photo in every panel: thousands of colours. A blank or error page has a handful.
        var colours = new HashSet<uint>();
        for (int y = 0; y < bitmap.Height; y += 2)
            for (int x = 0; x < bitmap.Width; x += 2)
                colours.Add((uint)bitmap.GetPixel(x, y));
        Assert.True(colours.Count > 2000, $"the screenshot has only {colours.Count} colours: the chart did not draw");
    }

    private static async Task ScreenshotAsync(string page, string png, int width, int height)
    {
        var start = new ProcessStartInfo(Chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--hide-scrollbars",
            // Lets plotly.js finish drawing before the picture is taken.
            "--virtual-time-budget=10000",
            $"--screenshot={png}", $"--window-size={width},{height}", new Uri(page).AbsoluteUri,
        })
            start.ArgumentList.Add(argument);
        using var chromium = Process.Start(start)!;
        var output = chromium.StandardOutput.ReadToEndAsync();
        var errors = chromium.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await chromium.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            chromium.Kill(entireProcessTree: true);
            Assert.Fail("Chromium did not finish the screenshot within 90 s.");
        }
        Assert.True(chromium.ExitCode == 0, $"Chromium exited with {chromium.ExitCode}: {await errors}{await output}");
    }
}
