using ImageCaptioning.Data;
using ImageCaptioning.Evaluation;
using ImageCaptioning.Metrics;

namespace ImageCaptioning.Tests.Evaluation;

/// <summary>The adapter from the dataset loader to the evaluator's reference dictionary.</summary>
public sealed class Flickr8kReferencesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("flickr8k-refs-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void ForSplitGivesEverySplitImageWithItsCaptionsAndNothingElse()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "images"));
        foreach (string image in new[] { "a.jpg", "b.jpg", "c.jpg" })
            File.WriteAllBytes(Path.Combine(_directory, "images", image), []);
        File.WriteAllLines(Path.Combine(_directory, "Flickr_8k.testImages.txt"), ["a.jpg", "b.jpg"]);
        File.WriteAllLines(Path.Combine(_directory, "Flickr8k.token.txt"),
        [
            "a.jpg#0\tFirst caption of a .",
            "a.jpg#1\tSecond caption of a .",
            "b.jpg#0\tOnly caption of b .",
            "c.jpg#0\tNot in the test split .",
        ]);

        var references = Flickr8kReferences.ForSplit(Flickr8kDataset.Load(_directory), DatasetSplit.Test);

        Assert.Equal(["a.jpg", "b.jpg"], references.Keys.Order());
        Assert.Equal(["First caption of a .", "Second caption of a ."], references["a.jpg"]);
    }

    [Theory]
    [InlineData("test", DatasetSplit.Test)]
    [InlineData("Dev", DatasetSplit.Dev)]
    [InlineData("TRAIN", DatasetSplit.Train)]
    public void ParsesSplitNames(string name, DatasetSplit expected) => Assert.Equal(expected, Flickr8kReferences.ParseSplit(name));

    [Theory]
    [InlineData("validation")]
    [InlineData("7")]
    public void UnknownSplitIsAClearError(string name)
    {
        var ex = Assert.Throws<CaptionFileException>(() => Flickr8kReferences.ParseSplit(name));
        Assert.Contains(name, ex.Message);
    }
}
