using ImageCaptioning.Cli;
using ImageCaptioning.Cli.Commands;
using ImageCaptioning.Data;
using ImageCaptioning.Evaluation;
using ImageCaptioning.Metrics;
using Spectre.Console;

namespace ImageCaptioning.Tests.Metrics;

/// <summary>`evaluate` end to end on a tiny Flickr8k-shaped folder written by the test.</summary>
public sealed class EvaluateCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evaluate-command-").FullName;
    private readonly StringWriter _output = new();
    private readonly IAnsiConsole _console;

    public EvaluateCommandTests()
    {
        _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_output), Ansi = AnsiSupport.No });
        _console.Profile.Width = 160;
        File.WriteAllLines(Path.Combine(_directory, "Flickr_8k.testImages.txt"), ["dog.jpg", "beach.jpg", "bike.jpg"]);
        // The dataset loader keeps captions of images that exist; the evaluation never opens them.
        Directory.CreateDirectory(Path.Combine(_directory, "images"));
        foreach (string image in new[] { "dog.jpg", "beach.jpg", "bike.jpg" })
            File.WriteAllBytes(Path.Combine(_directory, "images", image), []);
        File.WriteAllLines(Path.Combine(_directory, "Flickr8k.token.txt"),
        [
            "dog.jpg#0\tA black dog is running through the green grass .",
            "dog.jpg#1\tA dog runs across a grassy field .",
            "beach.jpg#0\tTwo children are playing in the sand on the beach .",
            "beach.jpg#1\tKids build a sandcastle near the ocean .",
            "bike.jpg#0\tA man rides a red bicycle down a dirt path .",
            "bike.jpg#1\tA cyclist on a mountain bike rides along a trail .",
        ]);
    }

    public void Dispose()
    {
        _output.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private string Captions(params string[] lines)
    {
        string path = Path.Combine(_directory, "captions.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public async Task PrintsTheTableAndWritesAReportThatMatchesTheLibrary()
    {
        string captions = Captions(
            "{\"image\":\"dog.jpg\",\"caption\":\"a black dog runs on the grass\"}",
            "{\"image\":\"beach.jpg\",\"caption\":\"two kids play on the beach\"}");
        string reportPath = Path.Combine(_directory, "out", "report.json");

        int exit = await EvaluateCommand.RunAsync(new EvaluateCommand.Options(captions, "test", _directory, reportPath), _console, TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        string printed = _output.ToString();
        Assert.Contains("BLEU-4", printed);
        Assert.Contains("CIDEr-D", printed);
        Assert.Contains("2 of 3", printed);
        Assert.Contains("METEOR", printed);

        var report = await EvaluationReport.ReadAsync(reportPath, TestContext.Current.CancellationToken);
        var expected = CaptionEvaluator.Evaluate(
            new Dictionary<string, string> { ["dog.jpg"] = "a black dog runs on the grass", ["beach.jpg"] = "two kids play on the beach" },
            Flickr8kReferences.ForSplit(Flickr8kDataset.Load(_directory), DatasetSplit.Test));
        Assert.Equal(expected.Bleu4, report.Metrics["BLEU-4"]);
        Assert.Equal(expected.CiderD, report.Metrics["CIDEr-D"]);
        Assert.Equal(2, report.ImagesScored);
        Assert.Equal(3, report.ImagesInSplit);
        Assert.Contains("METEOR", report.OmittedMetrics.Keys);
        Assert.Contains("SPICE", report.OmittedMetrics.Keys);
        Assert.Equal(["beach.jpg", "dog.jpg"], report.PerImage.Select(p => p.Image));
        Assert.Equal("two kids play on the beach", report.PerImage[0].Tokens);
    }

    [Fact]
    public async Task ImageOutsideTheSplitIsAnErrorNamingTheLine()
    {
        string captions = Captions(
            "{\"image\":\"dog.jpg\",\"caption\":\"a dog\"}",
            "{\"image\":\"cat.jpg\",\"caption\":\"a cat\"}");
        var ex = await Assert.ThrowsAsync<CaptionFileException>(() =>
            EvaluateCommand.RunAsync(new EvaluateCommand.Options(captions, "test", _directory, null), _console, TestContext.Current.CancellationToken));
        Assert.Contains("line 2", ex.Message);
        Assert.Contains("cat.jpg", ex.Message);
        Assert.Equal(CliRunner.ExitBadInput, CliRunner.Report(ex)); // one line on stderr, exit code 1
    }

    [Fact]
    public async Task MissingFlickr8kFolderIsAReadableError()
    {
        string captions = Captions("{\"image\":\"dog.jpg\",\"caption\":\"a dog\"}");
        var ex = await Assert.ThrowsAsync<DatasetFormatException>(() =>
            EvaluateCommand.RunAsync(new EvaluateCommand.Options(captions, "test", Path.Combine(_directory, "nowhere"), null), _console, TestContext.Current.CancellationToken));
        Assert.Contains("nowhere", ex.Message);
    }
}
