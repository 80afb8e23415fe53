using ImageCaptioning.Cli.Arguments;

namespace ImageCaptioning.Tests.Cli;

/// <summary>Files, folders and globs to image files.</summary>
public sealed class ImagePathExpanderTests : IDisposable
{
    private readonly string _root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"expand-{Guid.NewGuid():N}")).FullName;

    public ImagePathExpanderTests()
    {
        foreach (string file in new[] { "a/b.jpg", "a/c.png", "a/notes.txt", "a/sub/d.JPEG", "a/sub/deeper/e.jpg", "empty-dir/.keep" })
        {
            string path = Path.Combine(_root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "x");
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string P(string relative) => Path.Combine(_root, relative);

    [Fact]
    public void FolderGivesItsImagesRecursivelyInOrder()
    {
        var (files, problems) = ImagePathExpander.Expand([P("a")]);
        Assert.Empty(problems);
        Assert.Equal([P("a/b.jpg"), P("a/c.png"), P("a/sub/d.JPEG"), P("a/sub/deeper/e.jpg")], files);
    }

    [Fact]
    public void GlobsMatchWithinAndAcrossFolders()
    {
        Assert.Equal([P("a/b.jpg")], ImagePathExpander.Expand([P("a/*.jpg")]).Files);
        Assert.Equal([P("a/b.jpg"), P("a/sub/deeper/e.jpg")], ImagePathExpander.Expand([P("a/**/*.jpg")]).Files);
        Assert.Equal([P("a/sub/d.JPEG")], ImagePathExpander.Expand([P("a/s*/*.JPEG")]).Files);
        // FileSystemGlobbing has no '?': such a pattern is reported rather than matched differently than a shell would.
        var (files, problems) = ImagePathExpander.Expand([P("a/s?b/*.JPEG")]);
        Assert.Empty(files);
        Assert.Contains("'?' is not a wildcard", Assert.Single(problems).Reason);
    }

    [Fact]
    public void ExplicitFilesAreKeptWhateverTheirExtensionAndDuplicatesDropped()
    {
        var (files, problems) = ImagePathExpander.Expand([P("a/notes.txt"), P("a/b.jpg"), P("a")]);
        Assert.Empty(problems);
        Assert.Equal([P("a/notes.txt"), P("a/b.jpg"), P("a/c.png"), P("a/sub/d.JPEG"), P("a/sub/deeper/e.jpg")], files);
    }

    [Fact]
    public void InputsThatGiveNothingAreReported()
    {
        var (files, problems) = ImagePathExpander.Expand([P("missing.jpg"), P("empty-dir"), P("a/*.gif"), P("a/b.jpg")]);
        Assert.Equal([P("a/b.jpg")], files);
        Assert.Equal([P("missing.jpg"), P("empty-dir"), P("a/*.gif")], problems.Select(p => p.Input));
        Assert.Contains("no such file", problems[0].Reason);
    }

    [Fact]
    public void AnUnreadableSubFolderIsReportedAndTheRestIsStillFound()
    {
        // Tests run as root, which reads any folder: the listing of a/sub fails as an unreadable folder's would.
        string blocked = P("a/sub");
        IEnumerable<FileSystemInfo> Enumerate(DirectoryInfo dir) => dir.FullName == blocked
            ? throw new UnauthorizedAccessException($"Access to the path '{blocked}' is denied.")
            : dir.EnumerateFileSystemInfos();

        var (files, problems) = ImagePathExpander.Expand([P("a"), P("a/**/*.jpg")], Enumerate);

        Assert.Equal([P("a/b.jpg"), P("a/c.png")], files);
        Assert.True(problems.Count == 2, string.Join("\n", problems)); // once per input that walked into it
        Assert.All(problems, p => Assert.Equal(blocked, p.Input));
        Assert.All(problems, p => Assert.Contains("could not be read", p.Reason));
    }
}
