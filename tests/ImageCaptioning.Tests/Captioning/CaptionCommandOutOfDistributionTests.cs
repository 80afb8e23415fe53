using System.CommandLine;
using System.Text.Json;
using ImageCaptioning.Captioning;
using ImageCaptioning.Cli.Commands;
using ImageCaptioning.Tests.Data;
using ImageCaptioning.Tests.Infrastructure;
using ImageCaptioning.Tests.OutOfDistribution;

namespace ImageCaptioning.Tests.Captioning;

/// <summary>`caption` with the shipped model reports the out-of-distribution check: a third column in text for a flagged image, an object in JSON.</summary>
public sealed class CaptionCommandOutOfDistributionTests
{
    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var root = new RootCommand { CaptionCommand.Create() };
        var output = new StringWriter();
        int exitCode = await root.Parse(["caption", .. args]).InvokeAsync(
            new InvocationConfiguration { Output = output, Error = new StringWriter() }, TestContext.Current.CancellationToken);
        return (exitCode, output.ToString());
    }

    [Fact]
    public async Task AFlaggedImageGetsAThirdColumnInTextAndEveryImageAnObjectInJson()
    {
        TestData.ModelsDirectory();
        using var folder = new TemporaryFolder("ood-cli");
        string chart = folder.File("sky-chart.png");
        File.WriteAllBytes(chart, NonPhotoImages.All().Single(i => i.Name == "sky chart").Png);
        string photo = CaptionerFixture.Flickr8kImage(CaptionerFixture.SomeImages[1]);   // a Flickr8k photo, not flagged
        string model = Captioner.DefaultModelFolder(TestData.Paths);

        var (exitCode, text) = await RunAsync(chart, photo, "--model", model, "--beam", "1");
        Assert.Equal(0, exitCode);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var chartColumns = lines[0].Split('\t');
        Assert.Equal(chart, chartColumns[0]);
        Assert.Equal(3, chartColumns.Length);
        Assert.Matches(@"^unlike-training-photos score=\d\.\d{4} threshold=\d\.\d{4}$", chartColumns[2]);
        Assert.Equal(2, lines[1].Split('\t').Length);

        var (_, json) = await RunAsync(chart, photo, "--model", model, "--beam", "1", "--jsonl");
        var checks = json.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("outOfDistribution")).ToArray();
        Assert.True(checks[0].GetProperty("flagged").GetBoolean());
        Assert.False(checks[1].GetProperty("flagged").GetBoolean());
        Assert.All(checks, c => Assert.True(c.GetProperty("score").GetDouble() is > 0 and < 2 && c.GetProperty("reason").GetString()!.Length > 0));
    }
}
