using System.Buffers.Binary;
using ImageCaptioning.Imaging;
using SkiaSharp;

namespace ImageCaptioning.Tests.Imaging;

/// <summary>The decode cost in bytes, from the header: width × height × bytes per pixel of every buffer decoding holds.</summary>
public sealed class DecodeMemoryEstimateTests
{
    private static readonly ImageLimits Unlimited = new(MaxSide: 100_000, MaxPixels: long.MaxValue, MaxBytes: long.MaxValue);

    /// <summary>A PNG signature and IHDR with the given depth, colour type and interlace flag (enough for the estimate).</summary>
    private static byte[] PngHeader(int width, int height, int bitDepth, int colourType, bool interlaced)
    {
        var png = new byte[33];
        new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(png, 0);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(8), 13);
        "IHDR"u8.CopyTo(png.AsSpan(12));
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        png[24] = (byte)bitDepth;
        png[25] = (byte)colourType;
        png[28] = (byte)(interlaced ? 1 : 0);
        return png;
    }

    private static long Estimate(byte[] bytes) => DecodeMemoryEstimate.Bytes(ValidatedImage.FromBytes(bytes, Unlimited));

    [Theory]
    [InlineData(8, 2, false, 4)]    // RGB → BGRA 8888
    [InlineData(16, 2, false, 4)]   // 16-bit RGB: SkiaSharp still decodes to 8888
    [InlineData(8, 6, false, 4)]    // RGBA
    [InlineData(8, 0, false, 1 + 4)] // grey → Gray8, then a BGRA copy
    [InlineData(16, 6, true, 4 + 4 * 2)] // interlaced 16-bit RGBA: 8888 plus the whole image at 4 channels × 2 bytes
    [InlineData(8, 2, true, 4 + 3)]  // interlaced 8-bit RGB: plus 3 channels × 1 byte
    public void A_png_costs_width_times_height_times_the_bytes_per_pixel_of_each_buffer(int bitDepth, int colourType, bool interlaced, int bytesPerPixel)
    {
        byte[] png = PngHeader(8000, 5000, bitDepth, colourType, interlaced);
        Assert.Equal(png.Length + 8000L * 5000 * bytesPerPixel, Estimate(png));
    }

    [Fact]
    public void A_grey_jpeg_costs_more_per_pixel_than_a_colour_one_because_it_is_converted()
    {
        byte[] colour = TestImages.Jpeg(64);
        Assert.Equal(colour.Length + 64L * 64 * 4, Estimate(colour));

        using var grey = new SKBitmap(new SKImageInfo(64, 64, SKColorType.Gray8, SKAlphaType.Opaque));
        using var data = grey.Encode(SKEncodedImageFormat.Jpeg, 90);
        byte[] greyJpeg = data.ToArray();
        Assert.Equal(greyJpeg.Length + 64L * 64 * (1 + 4), Estimate(greyJpeg));
    }

    [Fact]
    public void The_estimate_covers_what_decoding_really_allocates_for_a_grey_png()
    {
        using var grey = new SKBitmap(new SKImageInfo(300, 200, SKColorType.Gray8, SKAlphaType.Opaque));
        using var data = grey.Encode(SKEncodedImageFormat.Png, 100);
        byte[] png = data.ToArray();
        using var codec = SKCodec.Create(SKData.CreateCopy(png));
        Assert.Equal(SKColorType.Gray8, codec.Info.ColorType); // the assumption the estimate's extra copy rests on
        Assert.Equal(png.Length + 300L * 200 * (1 + 4), Estimate(png));
    }
}
