using ImageCaptioning.Data;

namespace ImageCaptioning.Tests.Data;

public sealed class CaptionFileReaderTests
{
    [Fact]
    public void Token_file_lines_split_into_image_and_caption()
    {
        using var folder = new TemporaryFolder();
        string path = folder.WriteLines("Flickr8k.token.txt",
            "a.jpg#0\tA dog , running .",
            "",
            "weird#name.jpg#12\tA cat");
        var entries = CaptionFileReader.ReadTokenFile(path);
        Assert.Equal([new CaptionEntry("a.jpg", "A dog , running ."), new CaptionEntry("weird#name.jpg", "A cat")], entries);
    }

    [Theory]
    [InlineData("a.jpg#0 A dog without a tab", "no tab")]
    [InlineData("a.jpg\tA dog", "'<image>#<n>'")]
    [InlineData("a.jpg#x\tA dog", "'<image>#<n>'")]
    [InlineData("#0\tA dog", "'<image>#<n>'")]
    public void Token_file_malformed_line_names_file_and_line(string badLine, string expectedFragment)
    {
        using var folder = new TemporaryFolder();
        string path = folder.WriteLines("Flickr8k.token.txt", "a.jpg#0\tfine", badLine);
        var error = Assert.Throws<DatasetFormatException>(() => CaptionFileReader.ReadTokenFile(path));
        Assert.Equal(2, error.LineNumber);
        Assert.Contains($"{path}, line 2:", error.Message);
        Assert.Contains(expectedFragment, error.Message);
    }

    [Fact]
    public void Kaggle_file_unquotes_csv_fields_and_keeps_unquoted_commas()
    {
        using var folder = new TemporaryFolder();
        string path = folder.WriteLines("captions.txt",
            "\uFEFFimage,caption",
            "a.jpg,A dog runs .",
            "a.jpg,\"A dog , a ball .\"",
            "b.jpg,\"A \"\" sale \"\" sign\"",
            "b.jpg,unquoted , comma");
        var entries = CaptionFileReader.ReadKaggleFile(path);
        Assert.Equal(
        [
            new CaptionEntry("a.jpg", "A dog runs ."),
            new CaptionEntry("a.jpg", "A dog , a ball ."),
            new CaptionEntry("b.jpg", "A \" sale \" sign"),
            new CaptionEntry("b.jpg", "unquoted , comma"),
        ], entries);
    }

    [Theory]
    [InlineData("image,text", 1, "header")]
    [InlineData("image,caption\nno comma here", 2, "no image name")]
    [InlineData("image,caption\na.jpg,\"never closed", 2, "closing quote")]
    [InlineData("image,caption\na.jpg,\"a \" b\"", 2, "not doubled")]
    public void Kaggle_file_malformed_line_names_file_and_line(string content, int line, string expectedFragment)
    {
        using var folder = new TemporaryFolder();
        string path = folder.WriteLines("captions.txt", content.Split('\n'));
        var error = Assert.Throws<DatasetFormatException>(() => CaptionFileReader.ReadKaggleFile(path));
        Assert.Equal(line, error.LineNumber);
        Assert.Contains(expectedFragment, error.Message);
    }
}
