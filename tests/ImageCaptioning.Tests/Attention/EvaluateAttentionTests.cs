using System.Text.Json;
using ImageCaptioning.Captioning;
using ImageCaptioning.Cli.Commands;
using ImageCaptioning.Data;
using ImageCaptioning.Decoding;
using ImageCaptioning.Evaluation;
using ImageCaptioning.Metrics;
using ImageCaptioning.Tests.Data;
using ImageCaptioning.Tests.Infrastructure;
using Spectre.Console;

namespace ImageCaptioning.Tests.Attention;

/// <summary>`evaluate --attention` end to end: real test images, captions written by the shipped model, the statistics in the table and the report.</summary>
public sealed class EvaluateAttentionTests
{
    [Fact]
    public async Task EvaluateWithAttentionReportsTheStatisticsOfTheModelsOwnCaptions()
    {
        TestData.ModelsDirectory();
        var ct = TestContext.Current.CancellationToken;
        string flickr = TestData.Flickr8kDirectory();
        var dataset = Flickr8kDataset.Load(flickr);
        var images = dataset.Split(DatasetSplit.Test).Take(3).ToArray();
        using var folder = new TemporaryFolder("evaluate-attention");
        string captions = folder.File("captions.jsonl");
        int decoders, positions;
        using (var captioner = await Captioner.CreateAsync(TestData.Paths, ct: ct))
        {
            decoders = captioner.Model.Members.Count;
            positions = captioner.Model.Config.Positions;   // the grid the shipped model attends over (49 for 7×7)
            var results = captioner.CaptionBatch([.. images.Select(dataset.ImagePath)], DecodingOptions.Default);
            await File.WriteAllLinesAsync(captions,
                images.Zip(results, (image, r) => JsonSerializer.Serialize(new { image, caption = r.Best.Text })), ct);
        }
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No });
        console.Profile.Width = 160;
        string reportPath = folder.File("report.json");

        int exit = await EvaluateCommand.RunAsync(
            new EvaluateCommand.Options(captions, "test", flickr, reportPath, Attention: true), console, ct);

        Assert.Equal(0, exit);
        Assert.Contains("mean normalised entropy of α", output.ToString());
        var attention = (await EvaluationReport.ReadAsync(reportPath, ct)).Attention;
        Assert.NotNull(attention);
        Assert.Equal(3, attention.Captions);
        Assert.Equal(decoders, attention.Decoders);   // every decoder of the shipped ensemble is probed
        Assert.True(attention.ContentWords >= 3);
        Assert.InRange(attention.MeanNormalizedEntropy, 0.0, 1.0);
        Assert.InRange(attention.MedianPeakTimesUniform, 1.0, positions);
        Assert.InRange(attention.ShareTopMaskHurtsMore, 0.0, 1.0);
        Assert.Equal((int)Math.Round(positions / 10.0), attention.MaskedCells);   // a tenth of the grid: 5 of 49, 20 of 196
    }

    [Fact]
    public async Task ACaptionTheModelCannotHaveWrittenIsAReadableError()
    {
        TestData.ModelsDirectory();
        string flickr = TestData.Flickr8kDirectory();
        string image = Flickr8kDataset.Load(flickr).Split(DatasetSplit.Test)[0];
        using var folder = new TemporaryFolder("evaluate-attention");
        string captions = folder.File("captions.jsonl");
        await File.WriteAllTextAsync(captions, JsonSerializer.Serialize(new { image, caption = "a xylophonist plays" }) + "\n", TestContext.Current.CancellationToken);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(new StringWriter()), Ansi = AnsiSupport.No });

        var error = await Assert.ThrowsAsync<CaptionFileException>(() => EvaluateCommand.RunAsync(
            new EvaluateCommand.Options(captions, "test", flickr, null, Attention: true), console, TestContext.Current.CancellationToken));
        Assert.Contains("'xylophonist' is not in the model's vocabulary", error.Message);
        Assert.Contains("--model", error.Message);
    }
}
