using ImageCaptioning.Imaging;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Imaging;

public class ImagePixelDecoderTests
{
    private const int Side = 32;

    public static TheoryData<string> LosslessFormats => ["png", "bmp", "gif", "webp-lossless"];

    [Theory]
    [MemberData(nameof(LosslessFormats))]
    public void LosslessFormatsDecodeToTheExactPattern(string format)
    {
        byte[] bytes = format switch
        {
            "png" => TestImages.Png(Side),
            "bmp" => TestImages.Bmp(Side, Side),
            "gif" => TestImages.Gif(Side, Side),
            "webp-lossless" => TestImages.WebP(Side, lossless: true),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        Assert.Equal(TestImages.PatternChw(Side), Decode(bytes, Side));
    }

    [Theory]
    [InlineData("jpeg")]
    [InlineData("webp-lossy")]
    public void LossyFormatsDecodeCloseToThePattern(string format)
    {
        byte[] bytes = format == "jpeg" ? TestImages.Jpeg(Side) : TestImages.WebP(Side, lossless: false);
        float[] expected = TestImages.PatternChw(Side), actual = Decode(bytes, Side);
        double meanError = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Average();
        // The pattern is a hard case for lossy codecs (every pixel differs); a wrong channel order would give errors near 100.
        Assert.True(meanError < 20, $"mean absolute error {meanError:F1}");
    }

    [Fact]
    public void OnlyTheFirstGifFrameIsUsed()
    {
        Assert.Equal(TestImages.PatternChw(Side), Decode(TestImages.Gif(Side, Side, frames: 3), Side));
    }

    [Fact]
    public void ImagesOfAnotherSizeAreResizedByNearestNeighbour()
    {
        // 2× downscale by nearest neighbour: output pixel (x, y) is source pixel (2x + ox, 2y + oy) for one fixed sample
        // offset (ox, oy) ∈ {0, 1}², so a flipped, transposed or shifted result fails at some position.
        float[] decoded = Decode(TestImages.Png(2 * Side), Side);
        var offsets = from ox in new[] { 0, 1 } from oy in new[] { 0, 1 } select (ox, oy);
        Assert.Contains(offsets, o => Enumerable.Range(0, Side * Side).All(i =>
        {
            int x = i % Side, y = i / Side;
            var (r, g, b) = TestImages.PatternColor(2 * x + o.ox, 2 * y + o.oy);
            return decoded[i] == r && decoded[Side * Side + i] == g && decoded[2 * Side * Side + i] == b;
        }));
    }

    [Fact]
    public void ATruncatedJpegIsCorruptNotHalfGrey()
    {
        string path = Path.Combine(TestData.Flickr8kDirectory(), "images", "1001773457_577c3a7d70.jpg");
        byte[] bytes = File.ReadAllBytes(path);
        var image = ValidatedImage.FromBytes(bytes[..(bytes.Length / 2)], ImageLimits.Default, "'half.jpg'");
        var ex = Assert.Throws<InvalidImageException>(() => ImagePixelDecoder.DecodeChw(image, 224, ImageResampling.MatchMlNet, new float[3 * 224 * 224]));
        Assert.Equal(InvalidImageReason.Corrupt, ex.Reason);
        Assert.Contains("truncated", ex.Message);
        Assert.Contains("'half.jpg'", ex.Message);
    }

    [Fact]
    public void AValidHeaderFollowedByGarbageIsCorrupt()
    {
        byte[] png = TestImages.Png(Side);
        var garbage = png[..33].Concat(Enumerable.Repeat((byte)0x5A, 500)).ToArray(); // signature + IHDR, then junk
        var image = ValidatedImage.FromBytes(garbage, ImageLimits.Default);
        var ex = Assert.Throws<InvalidImageException>(() => ImagePixelDecoder.DecodeChw(image, Side, ImageResampling.MatchMlNet, new float[3 * Side * Side]));
        Assert.Equal(InvalidImageReason.Corrupt, ex.Reason);
    }

    [Fact]
    public void CoveringSquaresAreTheShorterSideAtTheStartCentreAndEnd()
    {
        Assert.Equal([(0, 0, 480), (80, 0, 480), (160, 0, 480)], ImagePixelDecoder.CoveringSquares(640, 480));
        Assert.Equal([(0, 0, 480), (0, 80, 480), (0, 160, 480)], ImagePixelDecoder.CoveringSquares(480, 640));
        Assert.Equal([(0, 0, 300)], ImagePixelDecoder.CoveringSquares(300, 300));
        Assert.Equal([(0, 0, 2), (0, 0, 2), (1, 0, 2)], ImagePixelDecoder.CoveringSquares(3, 2)); // odd slack: the centre rounds down
    }

    [Theory]
    [InlineData(70, Side)] // landscape: squares at x = 0, 19, 38
    [InlineData(Side, 50)] // portrait: squares at y = 0, 9, 18
    [InlineData(Side, Side)] // square: the image itself, once
    public void CoveringSquaresKeepThePixelsUnstretched(int width, int height)
    {
        // At the shorter side's own size nothing is resampled, so square i must be the pattern shifted by its offset.
        var image = ValidatedImage.FromBytes(TestImages.Bmp(width, height), ImageLimits.Default);
        var chw = new float[ImagePixelDecoder.MaxCoveringSquares * 3 * Side * Side];
        int written = ImagePixelDecoder.DecodeCoveringSquaresChw(image, Side, chw);

        var squares = ImagePixelDecoder.CoveringSquares(width, height);
        Assert.Equal(squares.Length, written);
        int plane = Side * Side;
        for (int s = 0; s < written; s++)
        {
            var (ox, oy, _) = squares[s];
            for (int i = 0; i < plane; i++)
            {
                var (r, g, b) = TestImages.PatternColor(i % Side + ox, i / Side + oy);
                int at = s * 3 * plane + i;
                Assert.Equal((r, g, b), ((byte)chw[at], (byte)chw[at + plane], (byte)chw[at + 2 * plane]));
            }
        }
        Assert.All(chw[(written * 3 * plane)..], v => Assert.Equal(0f, v)); // the unused room stays untouched
    }

    [Fact]
    public void CoveringSquaresOfALargerImageAreScaledToTheSide()
    {
        var image = ValidatedImage.FromBytes(TestImages.Bmp(4 * Side, 2 * Side), ImageLimits.Default);
        var chw = new float[ImagePixelDecoder.MaxCoveringSquares * 3 * Side * Side];
        Assert.Equal(3, ImagePixelDecoder.DecodeCoveringSquaresChw(image, Side, chw));
        Assert.Contains(chw, v => v != 0f);
    }

    private static float[] Decode(byte[] bytes, int side)
    {
        var image = ValidatedImage.FromBytes(bytes, ImageLimits.Default);
        var chw = new float[3 * side * side];
        ImagePixelDecoder.DecodeChw(image, side, ImageResampling.MatchMlNet, chw);
        return chw;
    }
}
