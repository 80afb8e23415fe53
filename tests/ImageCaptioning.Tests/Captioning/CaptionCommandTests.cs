using System.CommandLine;
using System.Text.Json;
using ImageCaptioning.Cli;
using ImageCaptioning.Cli.Commands;
using ImageCaptioning.Cli.Commands.Caption;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Captioning;

/// <summary>`caption` run in-process with its output captured.</summary>
public sealed class CaptionCommandTests(CaptionerFixture fixture) : IClassFixture<CaptionerFixture>
{
    /// <summary>Runs `caption <paramref name="args"/>` as the CLI does (also for the other `caption` tests).</summary>
    internal static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand { CaptionCommand.Create() };
        var output = new StringWriter();
        var error = new StringWriter();
        var parse = root.Parse(["caption", .. args]);
        if (CliRunner.UsageErrors(parse) is { Count: > 0 } usage) // as CliRunner does: usage errors stop the run with exit 2
            return (CliRunner.ExitUsage, "", string.Join('\n', usage.Select(message => $"error: {message}")));
        int exitCode = await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }

    private string BadImage()
    {
        string bad = Path.Combine(fixture.ScratchFolder, "broken.jpg");
        File.WriteAllBytes(bad, [0xFF, 0xD8, 0xFF, 0x00, 0x12]); // a JPEG signature and nothing else
        return bad;
    }

    [Fact]
    public async Task BadFileGivesOneErrorLineWhileTheGoodOneIsCaptioned()
    {
        TestData.ModelsDirectory();
        string good = CaptionerFixture.Flickr8kImage(CaptionerFixture.SomeImages[0]);
        string bad = BadImage();

        var (exitCode, output, error) = await RunAsync(bad, good, "--model", fixture.ModelFolder, "--beam", "2");

        Assert.Equal(1, exitCode);
        string[] outputLines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string line = Assert.Single(outputLines);
        Assert.StartsWith(good + "\t", line);
        string errorLine = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {bad}: ", errorLine);
    }

    [Fact]
    public async Task JsonLinesCarryScoresAlternativesAndAttention()
    {
        TestData.ModelsDirectory();
        string[] images = [.. CaptionerFixture.SomeImages.Take(2).Select(CaptionerFixture.Flickr8kImage)];

        var (exitCode, output, error) = await RunAsync([.. images, "--model", fixture.ModelFolder, "--jsonl", "--attention", "--nbest", "2"]);

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        for (int i = 0; i < 2; i++)
        {
            using var json = JsonDocument.Parse(lines[i]);
            var root = json.RootElement;
            Assert.Equal(images[i], root.GetProperty("file").GetString());
            var alternatives = root.GetProperty("alternatives");
            Assert.InRange(alternatives.GetArrayLength(), 1, 2);
            var best = alternatives[0];
            Assert.Equal(root.GetProperty("caption").GetString(), best.GetProperty("text").GetString());
            Assert.Equal(root.GetProperty("score").GetDouble(), best.GetProperty("score").GetDouble());
            var attention = best.GetProperty("attention");
            Assert.Equal(best.GetProperty("words").GetArrayLength(), attention.GetArrayLength());
            foreach (var map in attention.EnumerateArray())
                Assert.Equal(49, map.GetArrayLength());
            Assert.Equal(5, root.GetProperty("topClasses").GetArrayLength());
        }
    }

    [Fact]
    public async Task JsonIsOneArrayAndLeavesAttentionOutUnlessAsked()
    {
        TestData.ModelsDirectory();
        string folder = Path.Combine(fixture.ScratchFolder, "two-images");
        Directory.CreateDirectory(folder);
        foreach (string id in CaptionerFixture.SomeImages.Take(2))
            File.Copy(CaptionerFixture.Flickr8kImage(id), Path.Combine(folder, id + ".jpg"), overwrite: true);

        var (exitCode, output, _) = await RunAsync(folder, "--model", fixture.ModelFolder, "--json");

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(2, json.RootElement.GetArrayLength());
        foreach (var item in json.RootElement.EnumerateArray())
            Assert.False(item.GetProperty("alternatives")[0].TryGetProperty("attention", out _));
    }

    [Fact]
    public async Task JsonInterruptedAfterTheFirstImageIsStillOneValidArray()
    {
        TestData.ModelsDirectory();
        string folder = Path.Combine(fixture.ScratchFolder, "three-images");
        Directory.CreateDirectory(folder);
        foreach (string id in CaptionerFixture.SomeImages.Take(3))
            File.Copy(CaptionerFixture.Flickr8kImage(id), Path.Combine(folder, id + ".jpg"), overwrite: true);

        // Ctrl-C is a cancelled token for the command: cancel it as soon as the first result has been written.
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var output = new CancelOnFlushWriter(interrupt);
        var root = new RootCommand { CaptionCommand.Create() };
        try
        {
            await root.Parse(["caption", folder, "--model", fixture.ModelFolder, "--json", "--batch", "1"])
                .InvokeAsync(new InvocationConfiguration { Output = output, Error = new StringWriter() }, interrupt.Token);
        }
        catch (OperationCanceledException)
        {
            // how the interrupted command ends in-process (the CLI turns it into "error: cancelled." and exit code 130)
        }

        Assert.True(interrupt.IsCancellationRequested);
        using var json = JsonDocument.Parse(output.ToString());
        Assert.InRange(json.RootElement.GetArrayLength(), 1, 2);
    }

    /// <summary>Output that cancels <paramref name="interrupt"/> on its first flush (after the first image's result).</summary>
    private sealed class CancelOnFlushWriter(CancellationTokenSource interrupt) : StringWriter
    {
        public override void Flush()
        {
            base.Flush();
            if (ToString().Length > 0)
                interrupt.Cancel();
        }
    }

    [Fact]
    public async Task MissingModelFolderIsOneLine()
    {
        string someFile = BadImage();
        string missing = Path.Combine(fixture.ScratchFolder, "no-such-model");
        var (exitCode, output, error) = await RunAsync(someFile, "--model", missing);
        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Equal($"error: No decoder model folder at '{missing}'.", error.Trim());
    }

    [Fact]
    public async Task MissingInputsAreReportedAndNothingRuns()
    {
        string missing = Path.Combine(fixture.ScratchFolder, "nothing-here.jpg");
        var (exitCode, output, error) = await RunAsync(missing, "--model", fixture.ModelFolder);
        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Equal($"error: {missing}: no such file or folder.", error.Trim());
    }

    [Fact]
    public async Task OutOfRangeOptionIsAUsageError()
    {
        var (exitCode, _, error) = await RunAsync(BadImage(), "--beam", "0");
        Assert.Equal(2, exitCode);
        Assert.Equal("error: The beam width must be between 1 and 64, got 0.", error); // DecodingOptions' own message
    }

    [Fact]
    public async Task AnImageThatOnlyFailsToDecodeFailsAloneAndItsBatchIsCaptioned()
    {
        TestData.ModelsDirectory();
        string[] good = [.. CaptionerFixture.SomeImages.Take(2).Select(CaptionerFixture.Flickr8kImage)];
        byte[] jpeg = File.ReadAllBytes(good[0]);
        string cut = Path.Combine(fixture.ScratchFolder, "cut-in-half.jpg");
        File.WriteAllBytes(cut, jpeg[..(jpeg.Length / 2)]); // its header is fine: it passes the checks and fails in the encoder's decoding

        var (exitCode, output, error) = await RunAsync(good[0], cut, good[1], "--model", fixture.ModelFolder, "--beam", "2");

        Assert.Equal(1, exitCode);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([good[0], good[1]], lines.Select(line => line.Split('\t')[0]));
        string errorLine = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {cut}: ", errorLine);
        Assert.Contains("truncated", errorLine);
    }

    [Fact]
    public async Task AltHtmlMarkdownAndSidecarsTurnAFolderIntoReadyToPasteAltText()
    {
        TestData.ModelsDirectory();
        string folder = Path.Combine(fixture.ScratchFolder, "site", "my photos");
        Directory.CreateDirectory(folder);
        string[] images = [.. CaptionerFixture.SomeImages.Take(2).Select((id, i) => Path.Combine(folder, i == 0 ? "a \"quoted\" (one).jpg" : id + ".jpg"))];
        for (int i = 0; i < images.Length; i++)
            File.Copy(CaptionerFixture.Flickr8kImage(CaptionerFixture.SomeImages[i]), images[i], overwrite: true);
        string[] common = [folder, "--model", fixture.ModelFolder, "--beam", "2"];

        var (textExit, text, _) = await RunAsync([.. common]);
        Assert.Equal(0, textExit);
        var captions = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(2, captions.Count);

        var (htmlExit, html, htmlError) = await RunAsync([.. common, "--format", "alt-html", "--alt-sidecar"]);
        Assert.Equal(0, htmlExit);
        Assert.Equal("", htmlError);
        string[] htmlLines = html.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, htmlLines.Length);
        foreach (var (file, caption) in captions)
        {
            Assert.Contains(AltTextMarkup.Html(file, caption), htmlLines);
            Assert.Equal(caption + "\n", await File.ReadAllTextAsync(file + ".alt.txt", TestContext.Current.CancellationToken));
        }
        Assert.Contains(htmlLines, line => line.Contains("my%20photos/a%20%22quoted%22%20%28one%29.jpg\" alt=\""));

        var (markdownExit, markdown, _) = await RunAsync([.. common, "--format", "markdown"]);
        Assert.Equal(0, markdownExit);
        string[] markdownLines = markdown.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, markdownLines.Length);
        foreach (var (file, caption) in captions)
            Assert.Contains(AltTextMarkup.Markdown(file, caption), markdownLines);
    }

    [Fact]
    public async Task FormatAndJsonFlagsTogetherAreAUsageError()
    {
        var (exitCode, output, error) = await RunAsync(BadImage(), "--format", "markdown", "--json");
        Assert.NotEqual(0, exitCode);
        Assert.DoesNotContain(output.Split('\n'), line => line.StartsWith("![")); // usage help at most, no captions
        Assert.Contains("--format cannot be combined with --json", error);

        (exitCode, _, error) = await RunAsync(BadImage(), "--format", "html");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("alt-html", error);
    }

    /// <summary>Eight Flickr8k images copied into one scratch folder (a fixed set, so shards are reproducible).</summary>
    private string EightImages()
    {
        string folder = Path.Combine(fixture.ScratchFolder, "eight-images");
        Directory.CreateDirectory(folder);
        string[] ids = [.. File.ReadLines(Path.Combine(TestData.Flickr8kDirectory(), "Flickr_8k.devImages.txt")).Take(8)];
        foreach (string id in ids)
            File.Copy(Path.Combine(TestData.Flickr8kDirectory(), "images", id), Path.Combine(folder, id), overwrite: true);
        return folder;
    }

    private static Dictionary<string, string> CaptionsIn(string jsonl) => File.ReadLines(jsonl)
        .Select(line => JsonDocument.Parse(line).RootElement)
        .ToDictionary(e => e.GetProperty("file").GetString()!, e => e.GetProperty("caption").GetString()!);

    [Fact]
    public async Task TheUnionOfTheShardsIsTheSingleRunCaptionForCaption()
    {
        TestData.ModelsDirectory();
        string folder = EightImages();
        string single = Path.Combine(fixture.ScratchFolder, "single.jsonl");
        File.Delete(single);
        Assert.Equal(0, (await RunAsync(folder, "--model", fixture.ModelFolder, "--jsonl", "--output", single)).ExitCode);

        const int shards = 3;
        var union = new Dictionary<string, string>();
        for (int i = 0; i < shards; i++)
        {
            string part = Path.Combine(fixture.ScratchFolder, $"shard-{i}.jsonl");
            File.Delete(part);
            var (exitCode, _, error) = await RunAsync(folder, "--model", fixture.ModelFolder, "--jsonl", "--output", part, "--shard", $"{i}/{shards}");
            Assert.True(exitCode == 0, error);
            if (!File.Exists(part)) continue; // an empty shard writes nothing
            foreach (var (file, caption) in CaptionsIn(part))
                Assert.True(union.TryAdd(file, caption), $"{file} is in two shards");
        }

        var expected = CaptionsIn(single);
        Assert.Equal(8, expected.Count);
        Assert.Equal(expected.OrderBy(p => p.Key), union.OrderBy(p => p.Key));
    }

    [Fact]
    public async Task ARerunSkipsWhatIsDoneAndRedoesALineCutShort()
    {
        TestData.ModelsDirectory();
        string folder = EightImages();
        string output = Path.Combine(fixture.ScratchFolder, "resumed.jsonl");
        File.Delete(output);
        Assert.Equal(0, (await RunAsync(folder, "--model", fixture.ModelFolder, "--jsonl", "-o", output)).ExitCode);
        var complete = CaptionsIn(output);

        // Keep three finished lines and half of the fourth, as a run killed mid-write leaves it.
        string[] lines = File.ReadAllLines(output);
        File.WriteAllText(output, string.Join('\n', lines.Take(3)) + "\n" + lines[3][..(lines[3].Length / 2)]);

        var (exitCode, _, error) = await RunAsync(folder, "--model", fixture.ModelFolder, "--jsonl", "-o", output);

        Assert.Equal(0, exitCode);
        Assert.Contains("resuming: 3 of 8 images are already in", error);
        Assert.Equal(complete.OrderBy(p => p.Key), CaptionsIn(output).OrderBy(p => p.Key));
        Assert.Equal(8, File.ReadAllLines(output).Length);

        // Everything done: a third run captions nothing and leaves the file as it is.
        byte[] before = File.ReadAllBytes(output);
        Assert.Equal(0, (await RunAsync(folder, "--model", fixture.ModelFolder, "--jsonl", "-o", output)).ExitCode);
        Assert.Equal(before, File.ReadAllBytes(output));
    }

    [Fact]
    public void ShardsPartitionByPathAlone()
    {
        string[] files = [.. Enumerable.Range(0, 1000).Select(i => $"photos/{i:D5}.jpg")];
        var counts = new int[4];
        foreach (string file in files)
        {
            int shard = Shard.Of(file, 4);
            Assert.Equal(1, Enumerable.Range(0, 4).Count(i => new Shard(i, 4).Contains(file)));
            counts[shard]++;
        }
        Assert.All(counts, c => Assert.InRange(c, 200, 300)); // roughly even
        Assert.Equal(Shard.Of("photos/00001.jpg", 4), Shard.Of("photos\\00001.jpg", 4));
        Assert.Null(Shard.Parse("3/3").Shard);
        Assert.Equal(new Shard(2, 3), Shard.Parse("2/3").Shard);
    }
}
