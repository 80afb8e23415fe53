using System.Buffers.Binary;
using ImageCaptioning.Imaging;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Imaging;

public class ImageHeaderReaderTests
{
    [Fact]
    public void ReadsFormatAndSizeOfEverySupportedFormat()
    {
        Assert.Equal(new ImageHeader(ImageFileFormat.Png, 33, 33), ImageHeaderReader.Read(TestImages.Png(33), "png"));
        Assert.Equal(new ImageHeader(ImageFileFormat.Jpeg, 33, 33), ImageHeaderReader.Read(TestImages.Jpeg(33), "jpeg"));
        Assert.Equal(new ImageHeader(ImageFileFormat.Bmp, 31, 17), ImageHeaderReader.Read(TestImages.Bmp(31, 17), "bmp"));
        Assert.Equal(new ImageHeader(ImageFileFormat.Gif, 29, 13), ImageHeaderReader.Read(TestImages.Gif(29, 13), "gif"));
    }

    [Theory]
    [InlineData(true, 255, "VP8L")]
    [InlineData(false, 255, "VP8 ")]
    [InlineData(false, 128, "VP8X")]
    public void ReadsAllThreeWebPFlavours(bool lossless, byte alpha, string expectedChunk)
    {
        byte[] webp = TestImages.WebP(37, lossless, alpha);
        Assert.Equal(expectedChunk, System.Text.Encoding.ASCII.GetString(webp, 12, 4));
        Assert.Equal(new ImageHeader(ImageFileFormat.WebP, 37, 37), ImageHeaderReader.Read(webp, "webp"));
    }

    [Fact]
    public void ReadsTheSizeOfARealFlickr8kJpeg()
    {
        string image = Path.Combine(TestData.Flickr8kDirectory(), "images", "1001773457_577c3a7d70.jpg");
        Assert.Equal(new ImageHeader(ImageFileFormat.Jpeg, 224, 224), ImageHeaderReader.Read(File.ReadAllBytes(image), "dogs"));
    }

    [Fact]
    public void ZeroBytesAreEmpty()
    {
        var ex = Assert.Throws<InvalidImageException>(() => ImageHeaderReader.Read([], "'blank.png'"));
        Assert.Equal(InvalidImageReason.Empty, ex.Reason);
        Assert.Contains("'blank.png'", ex.Message);
    }

    [Fact]
    public void RandomBytesAndTextAreNotImages()
    {
        var random = new byte[4096];
        new Random(42).NextBytes(random);
        random[0] = 0x00; // make sure the random start is no magic number we know
        Assert.Equal(InvalidImageReason.NotAnImage, Assert.Throws<InvalidImageException>(() => ImageHeaderReader.Read(random, "noise")).Reason);
        Assert.Equal(InvalidImageReason.NotAnImage,
            Assert.Throws<InvalidImageException>(() => ImageHeaderReader.Read("BMW and Audi are car makers"u8.ToArray(), "text")).Reason);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0 }, "TIFF")]
    [InlineData(new byte[] { 0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'h', (byte)'e', (byte)'i', (byte)'c', 0, 0 }, "HEIF")]
    [InlineData(new byte[] { 0, 0, 0, 0x1C, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'a', (byte)'v', (byte)'i', (byte)'f', 0, 0 }, "AVIF")]
    public void KnownButUnsupportedFormatsAreNamed(byte[] header, string name)
    {
        var ex = Assert.Throws<InvalidImageException>(() => ImageHeaderReader.Read(header, "upload"));
        Assert.Equal(InvalidImageReason.UnsupportedFormat, ex.Reason);
        Assert.Contains(name, ex.Message);
    }

    [Fact]
    public void HeadersCutShortAreCorrupt()
    {
        Assert.Equal(InvalidImageReason.Corrupt, Assert.Throws<InvalidImageException>(() => ImageHeaderReader.Read(TestImages.Png(8)[..20], "png")).Reason);
        // A JPEG cut before its frame header: SOI and the start of APP0 only.
        Assert.Equal(InvalidImageReason.Corrupt, Assert.Throws<InvalidImageException>(() => ImageHeaderReader.Read(TestImages.Jpeg(8)[..10], "jpeg")).Reason);
        Assert.Equal(InvalidImageReason.Corrupt, Assert.Throws<InvalidImageException>(() => ImageHeaderReader.Read(TestImages.Gif(8, 8)[..9], "gif")).Reason);
        Assert.Equal(InvalidImageReason.Corrupt, Assert.Throws<InvalidImageException>(() => ImageHeaderReader.Read(TestImages.WebP(8, true)[..22], "webp")).Reason);
    }

    [Fact]
    public void ZeroSizedImagesAreCorrupt()
    {
        var ex = Assert.Throws<InvalidImageException>(() => ImageHeaderReader.Read(TestImages.PngHeaderOnly(0, 10), "png"));
        Assert.Equal(InvalidImageReason.Corrupt, ex.Reason);
        Assert.Contains("0×10", ex.Message);
    }

    [Fact]
    public void JpegSizeIsFoundAfterLargeMetadataSegments()
    {
        // Insert a 60 kB APP1 (EXIF-like) segment before the frame header, as cameras do.
        byte[] jpeg = TestImages.Jpeg(16);
        var app1 = new byte[4 + 60_000];
        app1[0] = 0xFF;
        app1[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(app1.AsSpan(2), 60_002);
        byte[] withExif = [.. jpeg[..2], .. app1, .. jpeg[2..]];
        Assert.Equal(new ImageHeader(ImageFileFormat.Jpeg, 16, 16), ImageHeaderReader.Read(withExif, "exif"));
    }
}
