using ImageCaptioning.Hosting;
using ImageCaptioning.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ImageCaptioning.Tests.Captioning;

/// <summary>`services.AddImageCaptioning(…)` as a library user writes it: one shared service that loads on first use.</summary>
public sealed class ServiceCollectionTests(CaptionerFixture fixture) : IClassFixture<CaptionerFixture>
{
    private ServiceProvider Provider() => new ServiceCollection()
        .AddImageCaptioning(o =>
        {
            o.ModelsDirectory = TestData.ModelsDirectory();
            o.ModelCacheDirectory = Path.Combine(fixture.ScratchFolder, "di-cache");
            o.ModelFolder = fixture.ModelFolder;
        })
        .BuildServiceProvider();

    [Fact]
    public async Task TheServiceCaptionsLikeTheCaptionerItWraps()
    {
        using var provider = Provider();
        var service = provider.GetRequiredService<ICaptioningService>();
        string image = CaptionerFixture.Flickr8kImage(CaptionerFixture.SomeImages[2]);
        var ct = TestContext.Current.CancellationToken;

        var result = await service.CaptionAsync(image, new() { BeamWidth = 2 }, ct);
        await using var stream = File.OpenRead(image);
        var fromStream = await service.CaptionAsync(stream, new() { BeamWidth = 2 }, ct);

        Assert.Same(service, provider.GetRequiredService<ICaptioningService>());
        Assert.Same(await service.GetCaptionerAsync(ct), await service.GetCaptionerAsync(ct)); // loaded once
        Assert.Equal(fixture.Captioner.Caption(image, new() { BeamWidth = 2 }).Best.Text, result.Best.Text);
        Assert.Equal(result.Best.Text, fromStream.Best.Text);
    }

    [Fact]
    public async Task ACancelledCallerFailsAloneAndTheModelStillLoadsForTheNext()
    {
        using var provider = Provider();
        var service = provider.GetRequiredService<ICaptioningService>();
        string image = CaptionerFixture.Flickr8kImage(CaptionerFixture.SomeImages[2]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => service.CaptionAsync(image, null, new CancellationToken(canceled: true)));

        var result = await service.CaptionAsync(image, null, TestContext.Current.CancellationToken);
        Assert.NotNull(result.Best);
    }

    [Fact]
    public void OptionsFillTheGapsOfTheEnvironment()
    {
        var paths = CaptioningService.Paths(new ImageCaptioningOptions { ModelCacheDirectory = "/somewhere/cache" });
        Assert.Equal("/somewhere/cache", paths.ModelCacheDirectory);
        Assert.Equal(TestData.Paths.ModelSourceDirectory, paths.ModelSourceDirectory);
    }
}
