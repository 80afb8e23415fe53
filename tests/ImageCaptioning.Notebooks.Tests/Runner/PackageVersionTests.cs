using ImageCaptioning.Notebooks.References;

namespace ImageCaptioning.Notebooks.Tests.Runner;

public sealed class PackageVersionTests
{
    [Theory]
    [InlineData("1.0.0", "1.0.0", 0)]
    [InlineData("1.0", "1.0.0", 0)]
    [InlineData("0.14.0", "0.9.5", 1)]
    [InlineData("5.0.1", "5.0.10", -1)]
    [InlineData("2.0.0-beta", "2.0.0", -1)]
    [InlineData("2.0.0", "2.0.0-rc.1", 1)]
    [InlineData("2.0.0-alpha", "2.0.0-beta", -1)]
    public void Orders_versions_like_NuGet(string a, string b, int expectedSign)
    {
        Assert.Equal(expectedSign, Math.Sign(PackageVersion.Compare(a, b)));
    }
}
