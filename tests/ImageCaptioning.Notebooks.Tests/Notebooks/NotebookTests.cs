using System.Globalization;
using System.Text.RegularExpressions;
using ImageCaptioning.Notebooks.Execution;

namespace ImageCaptioning.Notebooks.Tests.Notebooks;

/// <summary>
/// Every teaching notebook runs from top to bottom in the runner (any compile error or exception fails the test and
/// names the cell) and produces the outputs it is about. Together with the committed outputs this shows the notebooks
/// are reproducible.
/// </summary>
public sealed partial class NotebookTests
{
    private static async Task<NotebookRunResult> RunAsync(string fileName)
    {
        var result = (await NotebookRuns.RunAsync(fileName)).EnsureSuccess();
        Assert.True(File.Exists(result.ExecutedNotebookPath));
        Assert.True(File.Exists(result.HtmlPath));
        return result;
    }

    [Fact]
    public async Task Images_as_tensors()
    {
        var result = await RunAsync("01-images-as-tensors.ipynb");

        Assert.True(result.Charts().Count >= 3, "the photo, its three channels and the histograms are charts");
        Assert.Contains(result.Texts(), t => t.StartsWith("pixels: 150,528 floats = 3 × 224 × 224", StringComparison.Ordinal));
        Assert.Contains("ML.NET and ImagePixelDecoder differ in 0 of 150,528 values", result.Texts());
    }

    [Fact]
    public async Task Onnx_encoder()
    {
        var result = await RunAsync("02-onnx-encoder.ipynb");

        Assert.True(result.Charts().Count >= 2, "top-5 classes and the channel heat maps are charts");
        Assert.Contains(result.Texts(), t => t.Contains("features: 62,720 floats = 1280 × 7 × 7", StringComparison.Ordinal));
        Assert.Contains("largest difference between the two layouts: 0", result.Texts());
    }

    [Fact]
    public async Task Captions_and_vocabulary()
    {
        var result = await RunAsync("03-captions-and-vocabulary.ipynb");

        Assert.True(result.Charts().Count >= 4, "photo, word frequencies, Zipf and caption lengths are charts");
        // <start> = 1 opens and <end> = 2 closes every encoded caption.
        Assert.Contains(result.Texts(), t => StartEndIds().IsMatch(t));
    }

    [Fact]
    public async Task Attention_decoder_step_by_step()
    {
        var result = await RunAsync("04-attention-decoder-step-by-step.ipynb");

        Assert.True(result.Charts().Count >= 4, "attention maps, gates, next-word bars and the beam tree are charts");
        string agreement = Assert.Single(result.Texts(), t => t.StartsWith("largest difference from AttentionDecoder.Step", StringComparison.Ordinal));
        Assert.All(Numbers().Matches(agreement[agreement.IndexOf(':')..]), m => Assert.True(double.Parse(m.Value, CultureInfo.InvariantCulture) < 1e-4, agreement));
        Assert.Contains(result.Texts(), t => t.EndsWith("same as CaptionGenerator's beam search: True", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Attention_plots()
    {
        var result = await RunAsync("05-attention-plots.ipynb");

        var figures = result.Charts().Where(AttentionPlotScreenshotTests.IsAttentionFigure).ToList();
        Assert.Equal(2, figures.Count);
    }

    [Fact]
    public async Task Training_in_csharp()
    {
        var result = await RunAsync("06-training-in-csharp.ipynb");

        Assert.NotEmpty(result.Charts());
        var loss = LossLine().Match(string.Join('\n', result.Texts()));
        Assert.True(loss.Success, "the training cell reports its cross-entropy before and after");
        double before = double.Parse(loss.Groups["before"].Value, CultureInfo.InvariantCulture);
        double after = double.Parse(loss.Groups["after"].Value, CultureInfo.InvariantCulture);
        Assert.True(after < 0.7 * before, $"cross-entropy went from {before} to {after}");
        // The self-critical section runs and reports its reward (printed, not asserted to rise: 80 noisy steps teach the
        // mechanics; whether the policy improves is what SelfCriticalTrainerTests checks).
        Assert.Matches(RewardLine(), string.Join('\n', result.Texts()));
    }

    [Fact]
    public async Task Evaluation()
    {
        var result = await RunAsync("07-evaluation.ipynb");

        Assert.True(result.Charts().Count >= 2, "per-image CIDEr-D and caption lengths are charts");
        Assert.Contains(result.Texts(), t => t.Contains("Metric = BLEU-4", StringComparison.Ordinal) && t.Contains("ShowAttendTellSoft = 19.5", StringComparison.Ordinal));
        var html = result.Outputs.OfType<Format.DisplayDataOutput>().Select(d => d.Data.GetValueOrDefault(Format.MimeBundle.Html) ?? "").ToList();
        Assert.Contains(html, h => h.StartsWith("<h4>Best</h4>", StringComparison.Ordinal) && h.Contains("data:image/jpeg;base64,", StringComparison.Ordinal));
        Assert.Contains(html, h => h.StartsWith("<h4>Worst</h4>", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^ids: \[1, (\d+, )+2\]")]
    private static partial Regex StartEndIds();

    [GeneratedRegex(@"\d+(\.\d+)?(E-?\d+)?")]
    private static partial Regex Numbers();

    [GeneratedRegex(@"greedy CIDEr-D reward on the 50 training images: [\d.]+ before, [\d.]+ after 80 self-critical steps")]
    private static partial Regex RewardLine();

    [GeneratedRegex(@"cross-entropy (?<before>[\d.]+) → (?<after>[\d.]+) nats per word")]
    private static partial Regex LossLine();
}
