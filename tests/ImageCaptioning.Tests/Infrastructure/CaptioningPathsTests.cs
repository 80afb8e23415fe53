using ImageCaptioning.Configuration;

namespace ImageCaptioning.Tests.Infrastructure;

public class CaptioningPathsTests
{
    [Fact]
    public void FindsTheCheckoutFromANestedFolder()
    {
        string root = TestData.RepositoryRoot();
        string nested = Path.Combine(root, "src", "ImageCaptioning");
        Assert.Equal(root, CaptioningPaths.FindRepositoryRoot(nested));
    }

    [Fact]
    public void MissingFlickr8kNamesTheVariable()
    {
        var paths = TestData.Paths with { Flickr8kDirectory = "/definitely/not/here" };
        var ex = Assert.Throws<DirectoryNotFoundException>(() => paths.RequireFlickr8kDirectory());
        Assert.Contains(CaptioningPaths.Flickr8kDirVariable, ex.Message);
        Assert.Contains("/definitely/not/here", ex.Message);
    }
}
