using System.CommandLine;
using ImageCaptioning.Cli.Commands;
using ImageCaptioning.Data;
using ImageCaptioning.Encoder;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Data;

/// <summary>`extract` end to end with the real encoder on a few Flickr8k images copied to a temporary folder.</summary>
public sealed class ExtractCommandTests : IDisposable
{
    private static readonly string[] ImageIds = ["1000268201_693b08cb0e", "1001773457_577c3a7d70", "1002674143_1b742ab4b8"];
    private readonly TemporaryFolder _folder = new("extract-cli");

    private string MakeImageFolder(string name, bool withBadImage)
    {
        string images = _folder.File(name);
        Directory.CreateDirectory(images);
        foreach (string id in ImageIds)
            File.Copy(Path.Combine(TestData.Flickr8kDirectory(), "images", id + ".jpg"), Path.Combine(images, id + ".jpg"));
        if (withBadImage)
            File.WriteAllText(Path.Combine(images, "0_broken.jpg"), "this is not a JPEG");
        return images;
    }

    private static Task<int> RunAsync(params string[] args)
    {
        var root = new RootCommand { ExtractCommand.Create() };
        // Errors propagate as exceptions, as they do to CliRunner, instead of being printed by System.CommandLine.
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        return root.Parse(["extract", .. args]).InvokeAsync(configuration, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Extract_writes_encoder_grids_and_a_rerun_is_a_no_op()
    {
        TestData.ModelsDirectory();
        string images = MakeImageFolder("good", withBadImage: false);
        string cachePath = _folder.File("good.f16bin");

        Assert.Equal(0, await RunAsync("--images", images, "--out", cachePath, "--batch", "2"));
        DateTime written = File.GetLastWriteTimeUtc(cachePath);
        byte[] bytes = await File.ReadAllBytesAsync(cachePath, TestContext.Current.CancellationToken);

        Assert.Equal(0, await RunAsync("--images", images, "--out", cachePath));
        Assert.Equal(written, File.GetLastWriteTimeUtc(cachePath));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(cachePath, TestContext.Current.CancellationToken));

        using var encoder = await ImageEncoder.CreateAsync(TestData.Paths, new EncoderOptions { IntraOpThreads = 1 }, TestContext.Current.CancellationToken);
        using var cache = FeatureCache.Open(cachePath);
        Assert.Equal(encoder.SourceModelSha256, cache.EncoderSha256);
        Assert.Equal(ImageIds.Length, cache.CompletedCount);
        var grid = new float[EncoderGeometry.GridFloats];
        Assert.True(cache.TryGetIndex(ImageIds[1] + ".jpg", out int index));
        cache.CopyGrid(index, grid);
        float[] expected = encoder.Encode(Path.Combine(images, ImageIds[1] + ".jpg")).Grid;
        for (int i = 0; i < grid.Length; i++)
            Assert.True(Math.Abs(grid[i] - expected[i]) <= expected[i] / 1024f + 1e-6f, $"element {i}: {grid[i]} vs {expected[i]}");
    }

    [Fact]
    public async Task A_bad_image_fails_the_run_but_the_good_ones_are_saved()
    {
        TestData.ModelsDirectory();
        string images = MakeImageFolder("mixed", withBadImage: true);
        string cachePath = _folder.File("mixed.f16bin");

        Assert.Equal(1, await RunAsync("--images", images, "--out", cachePath, "--batch", "4"));

        using var cache = FeatureCache.Open(cachePath);
        Assert.Equal(4, cache.Count);
        Assert.Equal(3, cache.CompletedCount);
        Assert.False(cache.TryGetIndex("0_broken.jpg", out _));
    }

    [Fact]
    public async Task A_cache_of_another_encoder_is_refused()
    {
        TestData.ModelsDirectory();
        string images = MakeImageFolder("other", withBadImage: false);
        string cachePath = _folder.File("other.f16bin");
        using (FeatureCacheWriter.CreateOrResume(cachePath, [.. ImageIds.Select(id => id + ".jpg")], new string('0', 64))) { }

        var error = await Assert.ThrowsAsync<FeatureCacheMismatchException>(() => RunAsync("--images", images, "--out", cachePath));
        Assert.Contains("--force", error.Message);
        Assert.Equal(0, await RunAsync("--images", images, "--out", cachePath, "--force"));
        using var cache = FeatureCache.Open(cachePath);
        Assert.Equal(ImageIds.Length, cache.CompletedCount);
    }

    public void Dispose() => _folder.Dispose();
}
