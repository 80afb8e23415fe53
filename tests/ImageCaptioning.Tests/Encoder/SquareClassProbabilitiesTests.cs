using ImageCaptioning.Encoder;
using ImageCaptioning.Imaging;
using ImageCaptioning.Tests.Infrastructure;
using SkiaSharp;

namespace ImageCaptioning.Tests.Encoder;

/// <summary>The undistorted view guided decoding reads its tags from (<see cref="ImageEncoder.ClassProbabilitiesOverSquares"/>).</summary>
public sealed class SquareClassProbabilitiesTests(EncoderFixture fixture) : IClassFixture<EncoderFixture>
{
    [Fact]
    public void A_landscape_photo_gives_the_mean_of_its_three_squares_predictions()
    {
        var encoder = fixture.Encoder;
        string photo = Path.Combine(TestData.RepositoryRoot(), "data", "subjects", "photos", "chelsea.jpg"); // 451×300
        var image = ValidatedImage.FromFile(photo, encoder.Limits);
        float[] mean = encoder.ClassProbabilitiesOverSquares(image);

        // Each square cut out losslessly and passed on its own is a square photo: its one square is itself.
        using var bitmap = SKBitmap.Decode(photo);
        var squares = ImagePixelDecoder.CoveringSquares(bitmap.Width, bitmap.Height);
        Assert.Equal(3, squares.Length);
        var expected = new double[EncoderGeometry.Classes];
        foreach (var (x, y, side) in squares)
        {
            using var view = new SKBitmap();
            Assert.True(bitmap.ExtractSubset(view, new SKRectI(x, y, x + side, y + side)));
            using var png = view.Encode(SKEncodedImageFormat.Png, 100);
            float[] one = encoder.ClassProbabilitiesOverSquares(ValidatedImage.FromBytes(png.ToArray(), encoder.Limits));
            for (int c = 0; c < one.Length; c++) expected[c] += one[c] / squares.Length;
        }
        Assert.Equal(1.0, mean.Sum(p => (double)p), 4);
        Assert.True(mean.Zip(expected, (a, b) => Math.Abs(a - b)).Max() < 1e-5);
        // and the squares see something else than the stretched photo does
        float[] stretched = ImageCaptioning.Tags.ImageNetTagger.Probabilities(encoder.Encode(image).Logits);
        Assert.True(mean.Zip(stretched, (a, b) => Math.Abs(a - b)).Max() > 1e-3);
    }

    [Fact]
    public void A_photo_already_224_square_reuses_its_encoder_run()
    {
        var encoder = fixture.Encoder;
        var image = ValidatedImage.FromFile(EncoderFixture.Flickr8kImage(EncoderFixture.DogsImage), encoder.Limits); // 224×224
        var encoded = encoder.Encode(image);
        float[] reused = encoder.ClassProbabilitiesOverSquares(image, encoded);
        float[] computed = encoder.ClassProbabilitiesOverSquares(image);
        Assert.Equal(ImageCaptioning.Tags.ImageNetTagger.Probabilities(encoded.Logits), reused);
        Assert.True(reused.Zip(computed, (a, b) => Math.Abs(a - b)).Max() < 1e-6); // the same pixels, so the shortcut changes nothing
    }
}
