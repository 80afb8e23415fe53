using ImageCaptioning.Metrics;

namespace ImageCaptioning.Tests.Metrics;

/// <summary>Reading generated captions from JSON lines or CSV.</summary>
public sealed class CaptionsFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("captions-file-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, params string[] lines)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static Task<IReadOnlyList<CaptionsFileEntry>> Read(string path) => CaptionsFile.ReadAsync(path, TestContext.Current.CancellationToken);

    [Fact]
    public async Task ReadsJsonLines()
    {
        var entries = await Read(Write("captions.jsonl",
            "{\"image\":\"a.jpg\",\"caption\":\"a dog runs\"}",
            "",
            "{\"image\":\"images/b.jpg\",\"caption\":\"a \\\"quoted\\\" cat\",\"score\":-3.2}"));
        Assert.Equal([new CaptionsFileEntry("a.jpg", "a dog runs", 1), new CaptionsFileEntry("b.jpg", "a \"quoted\" cat", 3)], entries);
    }

    [Fact]
    public async Task ReadsTheCaptionCommandsOwnJsonLines()
    {
        // `caption --jsonl` names the image by its path in "file"; the score compares file names.
        var entries = await Read(Write("out.jsonl",
            "{\"file\":\"/data/flickr8k/images/a.jpg\",\"caption\":\"a dog runs\",\"score\":-1.5,\"alternatives\":[]}"));
        Assert.Equal([new CaptionsFileEntry("a.jpg", "a dog runs", 1)], entries);
    }

    [Fact]
    public async Task ReadsCsvWithHeaderAndQuotedCommas()
    {
        var entries = await Read(Write("captions.csv", "image,caption", "a.jpg,a dog runs", "b.jpg,\"a cat , a hat\""));
        Assert.Equal(["a dog runs", "a cat , a hat"], entries.Select(e => e.Caption));
    }

    [Fact]
    public async Task DetectsJsonLinesWithoutAnExtension()
    {
        var entries = await Read(Write("captions", "{\"image\":\"a.jpg\",\"caption\":\"a dog\"}"));
        Assert.Single(entries);
    }

    [Theory]
    [InlineData("bad.jsonl", "{\"image\":\"a.jpg\",\"caption\":\"fine\"}", "{not json", "line 2")]
    [InlineData("bad.jsonl", "{\"image\":\"a.jpg\",\"caption\":\"fine\"}", "{\"image\":\"b.jpg\"}", "line 2")]
    [InlineData("bad.jsonl", "{\"image\":\"a.jpg\",\"caption\":\"one\"}", "{\"image\":\"a.jpg\",\"caption\":\"two\"}", "already has a caption (line 1)")]
    [InlineData("bad.csv", "image,caption", "b.jpg,\"never closed", "line 2")]
    [InlineData("bad.csv", "picture;text", "a.jpg;a dog", "header")]
    public async Task MalformedInputNamesTheLine(string name, string first, string second, string expected)
    {
        var ex = await Assert.ThrowsAsync<CaptionFileException>(() => Read(Write(name, first, second)));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public async Task MissingAndEmptyFilesAreErrors()
    {
        await Assert.ThrowsAsync<CaptionFileException>(() => Read(Path.Combine(_directory, "nope.jsonl")));
        await Assert.ThrowsAsync<CaptionFileException>(() => Read(Write("empty.csv", "image,caption")));
    }
}
