using ImageCaptioning.Encoder;
using ImageCaptioning.Imaging;
using ImageCaptioning.Tests.Imaging;
using SkiaSharp;

namespace ImageCaptioning.Tests.Encoder;

/// <summary>The real encoder on real Flickr8k images: shapes, meaning, determinism, path agreement, bad input.</summary>
public sealed class ImageEncoderTests(EncoderFixture fixture) : IClassFixture<EncoderFixture>
{
    private static readonly string[] SomeImages = [EncoderFixture.DogsImage, "1000268201_693b08cb0e", "1002674143_1b742ab4b8", "101654506_8eb26cfb60"];

    private ImageEncoder Encoder => fixture.Encoder;

    [Fact]
    public void OutputsHaveTheDocumentedShapes()
    {
        EncoderOutput output = Encoder.Encode(EncoderFixture.Flickr8kImage(EncoderFixture.DogsImage));

        Assert.Equal(49 * 1280, output.Grid.Length);
        Assert.Equal(1280, output.Pooled.Length);
        Assert.Equal(1000, output.Logits.Length);
        Assert.Equal(1000, Encoder.ClassNames.Count);
        Assert.Equal("83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f", Encoder.SourceModelSha256);
        Assert.StartsWith(fixture.CacheDirectory, Encoder.DerivedModelPath);
    }

    [Fact]
    public void GridValuesAreDequantisedActivationsAndPooledIsTheirMean()
    {
        EncoderOutput output = Encoder.Encode(EncoderFixture.Flickr8kImage(EncoderFixture.DogsImage));

        // The last conv ends in ReLU6 before quantisation: values lie in [0, 6] and many are exactly 0.
        Assert.All(output.Grid, v => Assert.InRange(v, 0f, 6.5f));
        Assert.Contains(output.Grid, v => v == 0f);
        Assert.Contains(output.Grid, v => v > 1f);
        for (int c = 0; c < 1280; c += 97)
        {
            double mean = Enumerable.Range(0, 49).Average(p => output.Grid[p * 1280 + c]);
            Assert.Equal(mean, output.Pooled[c], 1e-5);
        }
        // Position-major: the grid is not constant along positions for a channel, so the layout matters.
        Assert.Contains(Enumerable.Range(0, 1280), c => output.Grid[c] != output.Grid[48 * 1280 + c]);
    }

    [Fact]
    public void APhotoOfDogsHasADogBreedInItsTopFive()
    {
        EncoderOutput output = Encoder.Encode(EncoderFixture.Flickr8kImage(EncoderFixture.DogsImage));
        var top5 = output.TopClasses(5);

        // ImageNet classes 151..268 are the dog breeds.
        var dogBreeds = Encoder.ClassNames.Skip(151).Take(268 - 151 + 1).ToHashSet();
        Assert.Contains(top5, c => dogBreeds.Contains(c.Label));
        Assert.Equal(top5.OrderByDescending(c => c.Probability).Select(c => c.Label), top5.Select(c => c.Label));
        Assert.InRange(top5.Sum(c => c.Probability), 0.05f, 1.0001f);
    }

    [Fact]
    public void EncodingIsDeterministicAcrossCallsBatchesStreamsAndThreads()
    {
        string[] paths = [.. SomeImages.Select(EncoderFixture.Flickr8kImage)];
        EncoderOutput[] singles = [.. paths.Select(Encoder.Encode)];

        IReadOnlyList<EncoderOutput> batch = Encoder.EncodeBatch(paths);
        EncoderOutput again = Encoder.Encode(paths[0]);
        using var stream = File.OpenRead(paths[1]);
        EncoderOutput fromStream = Encoder.Encode(stream);
        var parallel = new EncoderOutput[8];
        Parallel.For(0, parallel.Length, i => parallel[i] = Encoder.Encode(paths[i % paths.Length]));

        // Integer convolutions do not depend on batch size or thread timing: results are bit-identical.
        for (int i = 0; i < paths.Length; i++)
        {
            Assert.Equal(singles[i].Grid, batch[i].Grid);
            Assert.Equal(singles[i].Logits, batch[i].Logits);
        }
        Assert.Equal(singles[0].Grid, again.Grid);
        Assert.Equal(singles[1].Grid, fromStream.Grid);
        for (int i = 0; i < parallel.Length; i++)
            Assert.Equal(singles[i % paths.Length].Grid, parallel[i].Grid);
        Assert.NotEqual(singles[0].Grid, singles[1].Grid);
    }

    [Fact]
    public void TheMlNetPathMatchesTheRawPath()
    {
        // Flickr8k images (already 224×224) plus one 300×200 PNG that both paths must resize.
        string resized = Path.Combine(fixture.CacheDirectory, "wide.png");
        Directory.CreateDirectory(fixture.CacheDirectory);
        using (var source = SKBitmap.Decode(EncoderFixture.Flickr8kImage(SomeImages[1])))
        using (var wide = source.Resize(new SKSizeI(300, 200), SKFilterQuality.High))
        using (var data = wide.Encode(SKEncodedImageFormat.Png, 100))
            File.WriteAllBytes(resized, data.ToArray());

        foreach (string path in SomeImages.Take(2).Select(EncoderFixture.Flickr8kImage).Append(resized))
        {
            EncoderOutput raw = Encoder.Encode(path), mlNet = Encoder.EncodeWithMlNet(path);
            // Same pixels into the same derived model: on this machine the outputs are bit-identical (difference 0).
            // ML.NET opens its own ONNX Runtime session with its own options, so allow 1e-5 — far below the
            // grid's dequantisation step (~0.02), i.e. any real pixel or layout mismatch would fail.
            Assert.True(MaxAbsDiff(raw.Grid, mlNet.Grid) <= 1e-5, $"{Path.GetFileName(path)} grid differs by {MaxAbsDiff(raw.Grid, mlNet.Grid)}");
            Assert.True(MaxAbsDiff(raw.Logits, mlNet.Logits) <= 1e-5, $"{Path.GetFileName(path)} logits differ by {MaxAbsDiff(raw.Logits, mlNet.Logits)}");
        }
    }

    [Fact]
    public void TheMlNetPathIsSafeFromSeveralThreads()
    {
        string[] paths = [.. SomeImages.Select(EncoderFixture.Flickr8kImage)];
        EncoderOutput[] expected = [.. paths.Select(Encoder.Encode)];
        var results = new EncoderOutput[8];
        Parallel.For(0, results.Length, i => results[i] = Encoder.EncodeWithMlNet(paths[i % paths.Length]));
        for (int i = 0; i < results.Length; i++)
            Assert.True(MaxAbsDiff(expected[i % paths.Length].Logits, results[i].Logits) <= 1e-5, $"call {i} got another image's result");
    }

    [Fact]
    public void SupportedFormatsAllEncode()
    {
        byte[][] images = [TestImages.Png(64), TestImages.Bmp(64, 48), TestImages.Gif(50, 40, frames: 2), TestImages.WebP(64, lossless: false), TestImages.Jpeg(64)];
        foreach (byte[] bytes in images)
        {
            EncoderOutput output = Encoder.Encode(new MemoryStream(bytes));
            Assert.All(output.Logits, v => Assert.True(float.IsFinite(v)));
        }
    }

    [Fact]
    public void BadInputGivesInvalidImageExceptionsOnEveryPath()
    {
        string truncated = Path.Combine(fixture.CacheDirectory, "truncated.jpg");
        Directory.CreateDirectory(fixture.CacheDirectory);
        byte[] jpeg = File.ReadAllBytes(EncoderFixture.Flickr8kImage(EncoderFixture.DogsImage));
        File.WriteAllBytes(truncated, jpeg[..(jpeg.Length * 2 / 3)]);

        Assert.Equal(InvalidImageReason.Corrupt, Assert.Throws<InvalidImageException>(() => Encoder.Encode(truncated)).Reason);
        Assert.Equal(InvalidImageReason.Corrupt, Assert.Throws<InvalidImageException>(() => Encoder.EncodeWithMlNet(truncated)).Reason);

        var batchError = Assert.Throws<InvalidImageException>(() => Encoder.EncodeBatch([EncoderFixture.Flickr8kImage(EncoderFixture.DogsImage), truncated]));
        Assert.Contains("truncated.jpg", batchError.Message);

        var noise = new byte[1000];
        new Random(7).NextBytes(noise);
        noise[0] = 0;
        Assert.Equal(InvalidImageReason.NotAnImage, Assert.Throws<InvalidImageException>(() => Encoder.Encode(new MemoryStream(noise))).Reason);
        Assert.Equal(InvalidImageReason.TooLarge,
            Assert.Throws<InvalidImageException>(() => Encoder.Encode(new MemoryStream(TestImages.PngHeaderOnly(20000, 20000)))).Reason);
    }

    private static double MaxAbsDiff(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();
}
