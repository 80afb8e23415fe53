using ImageCaptioning.Captioning;
using ImageCaptioning.Configuration;
using ImageCaptioning.Decoding;
using ImageCaptioning.Imaging;
using ImageCaptioning.Model;
using ImageCaptioning.Tests.Model;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Captioning;

/// <summary>The facade end to end on real images (real encoder, random decoder), and its refusals.</summary>
public sealed class CaptionerTests(CaptionerFixture fixture) : IClassFixture<CaptionerFixture>
{
    private Captioner Captioner => fixture.Captioner;

    [Fact]
    public void CaptionsAnImageFileWithAttentionClassesAndTimings()
    {
        string image = CaptionerFixture.Flickr8kImage(CaptionerFixture.SomeImages[0]);
        var options = new DecodingOptions { BeamWidth = 3, NBest = 3, MaxLength = 12 };
        var result = Captioner.Caption(image, options);

        Assert.Same(result.Alternatives[0], result.Best);
        Assert.InRange(result.Alternatives.Count, 1, 3);
        Assert.InRange(result.Best.Words.Count, 0, 12);
        Assert.Equal(string.Join(' ', result.Best.Words), result.Best.Text);
        Assert.All(result.Best.Attention, map => Assert.Equal(1.0, map.Sum(a => (double)a), 1e-5));
        Assert.All(result.Best.Attention, map => Assert.Equal(49, map.Length));

        // The facade decodes exactly the encoder's grid.
        var expected = Captioner.Generator.Generate(Captioner.Encoder.Encode(image).Grid, options);
        Assert.Equal(expected.Select(c => c.Text), result.Alternatives.Select(c => c.Text));

        Assert.Equal(Captioner.TopClassCount, result.TopClasses.Count);
        Assert.True(result.TopClasses.Zip(result.TopClasses.Skip(1)).All(p => p.First.Probability >= p.Second.Probability));
        var t = result.Timings;
        Assert.True(t.EncoderMs > 0 && t.DecoderMs > 0 && t.TagsMs > 0);
        Assert.True(Captioner.OutOfDistribution is null ? t.OutOfDistributionMs == 0 : t.OutOfDistributionMs > 0);
        // The stages are timed apart: the decoder's figure is the decoder alone, and the call covers them all.
        Assert.True(t.TotalMs >= t.EncoderMs + t.OutOfDistributionMs + t.TagsMs + t.DecoderMs - 0.01);
    }

    [Fact]
    public void StreamPathValidatedImageAndBatchAgree()
    {
        string[] images = [.. CaptionerFixture.SomeImages.Select(CaptionerFixture.Flickr8kImage)];
        var batch = Captioner.CaptionBatch(images);
        var validated = images.Select(path => ValidatedImage.FromFile(path, Captioner.Encoder.Limits)).ToArray();
        var validatedBatch = Captioner.CaptionBatch(validated);
        Assert.Equal(images.Length, batch.Count);
        for (int i = 0; i < images.Length; i++)
        {
            var fromPath = Captioner.Caption(images[i]);
            using var stream = File.OpenRead(images[i]);
            var fromStream = Captioner.Caption(stream);
            var fromValue = Captioner.Caption(validated[i]);
            Assert.Equal(fromPath.Best.Text, fromStream.Best.Text);
            Assert.Equal(fromPath.Best.LogProbability, fromValue.Best.LogProbability); // one path: bit-identical
            Assert.Equal(fromPath.Best.Text, batch[i].Best.Text);
            Assert.Equal(fromPath.Best.LogProbability, batch[i].Best.LogProbability, 1e-3);
            Assert.Equal(batch[i].Best.LogProbability, validatedBatch[i].Best.LogProbability);
        }
    }

    [Fact]
    public void ConcurrentCallsGiveTheSameCaptionsAsSequentialOnes()
    {
        string[] images = [.. CaptionerFixture.SomeImages.Select(CaptionerFixture.Flickr8kImage)];
        string[] sequential = [.. images.Select(i => Captioner.Caption(i).Best.Text)];
        var concurrent = new string[images.Length * 4];
        Parallel.For(0, concurrent.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            k => concurrent[k] = Captioner.Caption(images[k % images.Length]).Best.Text);
        for (int k = 0; k < concurrent.Length; k++)
            Assert.Equal(sequential[k % images.Length], concurrent[k]);
    }

    [Fact]
    public void BadImageIsAnInvalidImageException()
    {
        string bad = Path.Combine(fixture.ScratchFolder, "not-an-image.jpg");
        File.WriteAllText(bad, "this is text, not a JPEG");
        var ex = Assert.Throws<InvalidImageException>(() => Captioner.Caption(bad));
        Assert.Contains("not-an-image.jpg", ex.Message);
        var batchEx = Assert.Throws<InvalidImageException>(() =>
            Captioner.CaptionBatch([CaptionerFixture.Flickr8kImage(CaptionerFixture.SomeImages[0]), bad]));
        Assert.Contains("not-an-image.jpg", batchEx.Message);
    }

    [Fact]
    public void BadOptionsAreRefusedBeforeTheImageIsRead()
    {
        var ex = Assert.Throws<InvalidDecodingOptionsException>(() =>
            Captioner.Caption("does-not-exist.jpg", new DecodingOptions { BeamWidth = 0 }));
        Assert.Contains("beam width", ex.Message);
    }

    [Fact]
    public async Task TheShippedDecoderTravelsWithTheAppAndLoadsWithoutACheckout()
    {
        string root = fixture.ScratchFolder;
        // No checkout: the shipped decoder must come from the models/ folder the library's package puts beside the app.
        var paths = new CaptioningPaths(null, TestData.ModelsDirectory(), Path.Combine(root, "cache"), null, Path.Combine(root, "data"));

        Assert.Equal(Path.Combine(CaptioningPaths.BundledModelsDirectory, Captioner.DefaultModelName), Captioner.DefaultModelFolder(paths));
        using var captioner = await Captioner.CreateAsync(paths, ct: TestContext.Current.CancellationToken);

        Assert.Equal(Captioner.DefaultModelName, captioner.Model.Name);
        Assert.NotEmpty(captioner.Caption(CaptionerFixture.Flickr8kImage(CaptionerFixture.SomeImages[0])).Best.Text);
    }

    [Fact]
    public async Task CaptionAsyncGivesTheSameCaptionAsCaption()
    {
        string image = CaptionerFixture.Flickr8kImage(CaptionerFixture.SomeImages[1]);
        var options = new DecodingOptions { BeamWidth = 2 };

        var result = await Captioner.CaptionAsync(image, options, TestContext.Current.CancellationToken);

        Assert.Equal(Captioner.Caption(image, options).Best.Text, result.Best.Text);
    }

    [Fact]
    public async Task CaptionAsyncWithACancelledTokenDoesNoWork()
    {
        var captioner = Captioner;
        using var image = new CountingStream(File.ReadAllBytes(CaptionerFixture.Flickr8kImage(CaptionerFixture.SomeImages[0])), onFirstRead: null);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => captioner.CaptionAsync(image, null, new CancellationToken(canceled: true)));

        Assert.Equal(0, image.Reads); // the image was never read
    }

    [Fact]
    public async Task CaptionAsyncCancelledWhileTheImageIsReadReturnsNoCaption()
    {
        var captioner = Captioner;
        using var cancellation = new CancellationTokenSource();
        using var image = new CountingStream(File.ReadAllBytes(CaptionerFixture.Flickr8kImage(CaptionerFixture.SomeImages[0])), cancellation.Cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => captioner.CaptionAsync(image, null, cancellation.Token));

        Assert.True(image.Reads > 0);
    }

    /// <summary>A memory stream that counts reads and runs an action on the first one (to cancel mid-call).</summary>
    private sealed class CountingStream(byte[] bytes, Action? onFirstRead) : MemoryStream(bytes)
    {
        public int Reads { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (Reads++ == 0) onFirstRead?.Invoke();
            return base.Read(buffer, offset, count);
        }

        public override int Read(Span<byte> buffer)
        {
            if (Reads++ == 0) onFirstRead?.Invoke();
            return base.Read(buffer);
        }
    }

    [Fact]
    public async Task DecoderForAnotherEncoderIsRefused()
    {
        string folder = Path.Combine(fixture.ScratchFolder, "wrong-encoder-dim");
        TestModels.RandomModel(1).Save(folder); // E = 8, not 1280
        var paths = new CaptioningPaths(null, null, Path.Combine(folder, "cache"), null, folder);
        var ex = await Assert.ThrowsAsync<ModelFormatException>(() => Captioner.CreateAsync(paths, folder, ct: TestContext.Current.CancellationToken));
        Assert.Contains("reads 49×8 features but the encoder produces 49×1280", ex.Message);
    }
}
