using ImageCaptioning.Metrics;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Metrics;

/// <summary>The minimal Flickr8k reference reader, on small files written by the test.</summary>
public sealed class Flickr8kReferencesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("flickr8k-refs-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private void Write(string name, params string[] lines) => File.WriteAllLines(Path.Combine(_directory, name), lines);

    [Fact]
    public async Task ReadsTheTokenFileInCaptionNumberOrderForTheSplitOnly()
    {
        Write("Flickr_8k.testImages.txt", "a.jpg", "b.jpg", "");
        Write("Flickr8k.token.txt",
            "a.jpg#1\tSecond caption of a .",
            "a.jpg#0\tFirst caption of a .",
            "b.jpg#0\tOnly caption of b .",
            "c.jpg#0\tNot in the split .",
            "2258277193_586949ec62.jpg.1#0\tThe original release's phantom image .");
        var references = await Flickr8kReferences.LoadAsync(_directory, "test", TestContext.Current.CancellationToken);
        Assert.Equal(["a.jpg", "b.jpg"], references.Keys.Order());
        Assert.Equal(["First caption of a .", "Second caption of a ."], references["a.jpg"]);
    }

    [Fact]
    public async Task ReadsKaggleCsvWhenThereIsNoTokenFile()
    {
        Write("Flickr_8k.devImages.txt", "a.jpg");
        Write("captions.txt",
            "image,caption",
            "a.jpg,A dog runs .",
            "a.jpg,\"A dog , a ball and a \"\"toy\"\" .\"",
            "z.jpg,Elsewhere .");
        var references = await Flickr8kReferences.LoadAsync(_directory, "dev", TestContext.Current.CancellationToken);
        Assert.Equal(["A dog runs .", "A dog , a ball and a \"toy\" ."], references["a.jpg"]);
    }

    [Fact]
    public async Task MalformedLineNamesItsLineNumber()
    {
        Write("Flickr_8k.testImages.txt", "a.jpg");
        Write("Flickr8k.token.txt", "a.jpg#0\tFine .", "a.jpg has no tab or number");
        var ex = await Assert.ThrowsAsync<CaptionFileException>(() => Flickr8kReferences.LoadAsync(_directory, "test", TestContext.Current.CancellationToken));
        Assert.Contains("line 2", ex.Message);
    }

    [Fact]
    public async Task SplitImageWithoutCaptionsIsAnError()
    {
        Write("Flickr_8k.testImages.txt", "a.jpg", "missing.jpg");
        Write("Flickr8k.token.txt", "a.jpg#0\tFine .");
        var ex = await Assert.ThrowsAsync<CaptionFileException>(() => Flickr8kReferences.LoadAsync(_directory, "test", TestContext.Current.CancellationToken));
        Assert.Contains("missing.jpg", ex.Message);
    }

    [Fact]
    public async Task MissingFilesAndUnknownSplitsAreClearErrors()
    {
        var noSplit = await Assert.ThrowsAsync<CaptionFileException>(() => Flickr8kReferences.LoadAsync(_directory, "test", TestContext.Current.CancellationToken));
        Assert.Contains("Flickr_8k.testImages.txt", noSplit.Message);

        Write("Flickr_8k.testImages.txt", "a.jpg");
        var noCaptions = await Assert.ThrowsAsync<CaptionFileException>(() => Flickr8kReferences.LoadAsync(_directory, "test", TestContext.Current.CancellationToken));
        Assert.Contains("Flickr8k.token.txt", noCaptions.Message);

        var unknown = await Assert.ThrowsAsync<CaptionFileException>(() => Flickr8kReferences.LoadAsync(_directory, "validation", TestContext.Current.CancellationToken));
        Assert.Contains("validation", unknown.Message);
    }

    [Fact]
    public async Task RealTokenFileAndKaggleCsvGiveTheSameTestReferences()
    {
        // Integration: a user may have either file; the metrics must not depend on which.
        string flickr8k = TestData.Flickr8kDirectory();
        File.Copy(Path.Combine(flickr8k, "Flickr_8k.testImages.txt"), Path.Combine(_directory, "Flickr_8k.testImages.txt"));
        File.Copy(Path.Combine(flickr8k, Flickr8kReferences.CsvFileName), Path.Combine(_directory, Flickr8kReferences.CsvFileName));

        var fromTokenFile = await Flickr8kReferences.LoadAsync(flickr8k, "test", TestContext.Current.CancellationToken);
        var fromCsv = await Flickr8kReferences.LoadAsync(_directory, "test", TestContext.Current.CancellationToken);

        Assert.Equal(1000, fromTokenFile.Count);
        Assert.All(fromTokenFile, pair => Assert.Equal(pair.Value, fromCsv[pair.Key]));
        Assert.All(fromTokenFile.Values, captions => Assert.Equal(5, captions.Count));
    }
}
