using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ImageCaptioning.Imaging;

namespace ImageCaptioning.Tests.Imaging;

public class ValidatedImageTests
{
    [Fact]
    public void AHugePngHeaderIsRefusedWithoutAllocatingItsBitmap()
    {
        byte[] bomb = TestImages.PngHeaderOnly(20000, 20000); // would need 1.6 GB decoded
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<InvalidImageException>(() => ValidatedImage.FromBytes(bomb, ImageLimits.Default, "'bomb.png'"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(InvalidImageReason.TooLarge, ex.Reason);
        Assert.Contains("20000×20000", ex.Message);
        Assert.Contains("'bomb.png'", ex.Message);
        Assert.True(allocated < 1_000_000, $"validation allocated {allocated:N0} bytes");
    }

    [Fact]
    public void AJpegClaimingHugeDimensionsIsRefused()
    {
        byte[] jpeg = TestImages.Jpeg(16);
        int sof = FindStartOfFrame(jpeg);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), 60000); // height
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), 60000); // width
        var ex = Assert.Throws<InvalidImageException>(() => ValidatedImage.FromBytes(jpeg, ImageLimits.Default));
        Assert.Equal(InvalidImageReason.TooLarge, ex.Reason);
    }

    [Fact]
    public void PixelCountLimitAppliesEvenWhenEachSideIsAllowed()
    {
        var limits = new ImageLimits(MaxSide: 1000, MaxPixels: 100_000);
        var ex = Assert.Throws<InvalidImageException>(() => ValidatedImage.FromBytes(TestImages.PngHeaderOnly(900, 900), limits));
        Assert.Equal(InvalidImageReason.TooLarge, ex.Reason);
        Assert.Contains("810,000", ex.Message);
    }

    [Fact]
    public void StreamsOverTheByteLimitAreRefusedWithoutReadingThemWhole()
    {
        var limits = new ImageLimits(MaxBytes: 1000);
        var endless = new EndlessStream();
        var ex = Assert.Throws<InvalidImageException>(() => ValidatedImage.FromStream(endless, limits));
        Assert.Equal(InvalidImageReason.TooLarge, ex.Reason);
        Assert.True(endless.Served < 200_000, $"read {endless.Served} bytes");
    }

    [Fact]
    public void EmptyFilesAndStreamsAreEmpty()
    {
        string path = Path.Combine(Path.GetTempPath(), $"empty-{Guid.NewGuid():N}.jpg");
        File.WriteAllBytes(path, []);
        try
        {
            var ex = Assert.Throws<InvalidImageException>(() => ValidatedImage.FromFile(path, ImageLimits.Default));
            Assert.Equal(InvalidImageReason.Empty, ex.Reason);
            Assert.Contains(Path.GetFileName(path), ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Equal(InvalidImageReason.Empty,
            Assert.Throws<InvalidImageException>(() => ValidatedImage.FromStream(new MemoryStream(), ImageLimits.Default)).Reason);
    }

    [Fact]
    public void AcceptedImagesKeepTheirBytesAndHeader()
    {
        byte[] gif = TestImages.Gif(20, 10);
        var image = ValidatedImage.FromStream(new MemoryStream(gif), ImageLimits.Default);
        Assert.Equal(gif, image.Bytes.ToArray());
        Assert.Equal(new ImageHeader(ImageFileFormat.Gif, 20, 10), image.Header);
    }

    [Fact]
    public void BytesInMemoryAreKeptNotCopied()
    {
        byte[] upload = TestImages.Gif(20, 10);
        var image = ValidatedImage.FromBytes(upload.AsMemory(), ImageLimits.Default);
        Assert.True(MemoryMarshal.TryGetArray(image.Bytes, out var kept));
        Assert.Same(upload, kept.Array);
        Assert.Equal((0, upload.Length), (kept.Offset, kept.Count));
    }

    [Fact]
    public void AnUnseekableStreamIsReadWhole()
    {
        byte[] gif = TestImages.Gif(300, 200);
        var image = ValidatedImage.FromStream(new TrickleStream(gif), ImageLimits.Default);
        Assert.Equal(gif, image.Bytes.ToArray());
        Assert.Equal(new ImageHeader(ImageFileFormat.Gif, 300, 200), image.Header);
    }

    private static int FindStartOfFrame(byte[] jpeg)
    {
        for (int i = 2; i < jpeg.Length - 1; i++)
            if (jpeg[i] == 0xFF && jpeg[i + 1] is 0xC0 or 0xC2)
                return i;
        throw new InvalidOperationException("no SOF marker");
    }

    /// <summary>An unseekable stream that never ends, like a client that keeps uploading.</summary>
    private sealed class EndlessStream : Stream
    {
        public long Served { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Served; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, (byte)0xAB, offset, count);
            Served += count;
            return count;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>An unseekable stream that hands out a few bytes per read, as a slow network body does.</summary>
    private sealed class TrickleStream(byte[] data) : Stream
    {
        private int _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, 7), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
