using ImageCaptioning.Encoder;
using ImageCaptioning.Tests.Infrastructure;
using SkiaSharp;

namespace ImageCaptioning.Tests.Encoder;

/// <summary>The mirrored-image path used for training augmentation (<see cref="EncoderOptions.MirrorHorizontally"/>).</summary>
public sealed class MirroredEncodingTests(EncoderFixture fixture) : IClassFixture<EncoderFixture>
{
    [Fact]
    public void MirrorRowsReversesEveryRowOfEveryPlane()
    {
        float[] planes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];   // 2 planes × 2 rows × 3 columns
        ImageEncoder.MirrorRows(planes, rows: 4, width: 3);
        Assert.Equal([3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10], planes);
    }

    [Fact]
    public async Task EncodingMirroredEqualsEncodingAMirroredCopyOfTheFile()
    {
        string source = EncoderFixture.Flickr8kImage(EncoderFixture.DogsImage);
        _ = fixture.Encoder; // skips without the models
        // A lossless mirrored copy: same pixels, columns reversed.
        using var bitmap = SKBitmap.Decode(source);
        using var mirrored = new SKBitmap(bitmap.Width, bitmap.Height);
        using (var canvas = new SKCanvas(mirrored))
        {
            canvas.Scale(-1, 1, bitmap.Width / 2f, 0);
            canvas.DrawBitmap(bitmap, 0, 0);
        }
        string copy = Path.Combine(fixture.CacheDirectory, "mirrored-dogs.png");
        Directory.CreateDirectory(fixture.CacheDirectory);
        using (var file = File.Create(copy))
            mirrored.Encode(file, SKEncodedImageFormat.Png, 100);

        using var mirroring = await ImageEncoder.CreateAsync(TestData.Paths with { ModelCacheDirectory = fixture.CacheDirectory },
            new EncoderOptions { IntraOpThreads = 1, MirrorHorizontally = true }, TestContext.Current.CancellationToken);
        var viaOption = mirroring.Encode(source);
        var viaFile = fixture.Encoder.Encode(copy);
        var original = fixture.Encoder.Encode(source);

        double difference = viaOption.Grid.Zip(viaFile.Grid, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(difference < 1e-4, $"mirrored encodings differ by {difference}");
        Assert.Contains(Enumerable.Range(0, original.Grid.Length), i => original.Grid[i] != viaOption.Grid[i]);   // and they are new numbers
        Assert.Contains(original.TopClasses(1)[0].Label, viaOption.TopClasses(5).Select(c => c.Label));          // of the same content
        Assert.Throws<InvalidOperationException>(() => mirroring.EncodeWithMlNet(source));
    }
}
