using System.Buffers.Binary;
using SkiaSharp;

namespace ImageCaptioning.Tests.Imaging;

/// <summary>
/// Small images built in memory for format tests. Every image shows the same known pattern, so a
/// test can check the decoded pixels, not just that decoding "worked". SkiaSharp encodes PNG, JPEG
/// and WebP; it cannot encode BMP or GIF, so those two are written byte by byte here.
/// </summary>
internal static class TestImages
{
    /// <summary>The pattern's colour at (x, y), from a 256-entry palette so GIF can hold it exactly.</summary>
    public static (byte R, byte G, byte B) PatternColor(int x, int y) => Palette((x * 3 + y * 5) & 255);

    private static (byte R, byte G, byte B) Palette(int index) => ((byte)index, (byte)(255 - index), (byte)((index * 7) & 255));

    /// <summary>Planar RGB 0..255 [3, side, side] of the pattern: what a lossless decode must return.</summary>
    public static float[] PatternChw(int side)
    {
        var chw = new float[3 * side * side];
        for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++)
        {
            var (r, g, b) = PatternColor(x, y);
            int i = y * side + x;
            chw[i] = r;
            chw[side * side + i] = g;
            chw[2 * side * side + i] = b;
        }
        return chw;
    }

    public static SKBitmap PatternBitmap(int width, int height, byte alpha = 255)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            var (r, g, b) = PatternColor(x, y);
            bitmap.SetPixel(x, y, new SKColor(r, g, b, alpha));
        }
        return bitmap;
    }

    public static byte[] Png(int side) => Encode(side, SKEncodedImageFormat.Png, 100);

    public static byte[] Jpeg(int side) => Encode(side, SKEncodedImageFormat.Jpeg, 95);

    /// <summary>WebP: lossless gives a VP8L chunk, lossy a VP8 chunk, lossy with alpha a VP8X container.</summary>
    public static byte[] WebP(int side, bool lossless, byte alpha = 255)
    {
        using var bitmap = PatternBitmap(side, side, alpha);
        using var pixmap = bitmap.PeekPixels();
        var options = new SKWebpEncoderOptions(lossless ? SKWebpEncoderCompression.Lossless : SKWebpEncoderCompression.Lossy, lossless ? 100 : 90);
        using var data = pixmap.Encode(options);
        return data.ToArray();
    }

    private static byte[] Encode(int side, SKEncodedImageFormat format, int quality)
    {
        using var bitmap = PatternBitmap(side, side);
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    /// <summary>A 24-bit uncompressed BMP (bottom-up rows padded to 4 bytes).</summary>
    public static byte[] Bmp(int width, int height)
    {
        int rowBytes = (width * 3 + 3) & ~3;
        var bmp = new byte[54 + rowBytes * height];
        "BM"u8.CopyTo(bmp);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);     // pixel data offset
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);     // BITMAPINFOHEADER
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height); // positive: bottom-up
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);      // planes
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);     // bits per pixel
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(34), rowBytes * height);
        for (int y = 0; y < height; y++)
        {
            int row = 54 + (height - 1 - y) * rowBytes;
            for (int x = 0; x < width; x++)
            {
                var (r, g, b) = PatternColor(x, y);
                bmp[row + 3 * x] = b;
                bmp[row + 3 * x + 1] = g;
                bmp[row + 3 * x + 2] = r;
            }
        }
        return bmp;
    }

    /// <summary>
    /// A GIF with a 256-colour palette. The LZW stream never builds dictionary entries that matter:
    /// it sends a clear code every 200 pixels, so every code stays 9 bits wide ("uncompressed" GIF).
    /// <paramref name="frames"/> &gt; 1 appends further frames in other colours, to check that only the first is used.
    /// </summary>
    public static byte[] Gif(int width, int height, int frames = 1)
    {
        using var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        WriteUInt16(gif, width);
        WriteUInt16(gif, height);
        gif.Write([0xF7, 0, 0]); // global colour table of 2^(7+1) entries
        for (int i = 0; i < 256; i++)
        {
            var (r, g, b) = Palette(i);
            gif.Write([r, g, b]);
        }
        for (int frame = 0; frame < frames; frame++)
        {
            if (frames > 1)
                gif.Write([0x21, 0xF9, 4, 0x04, 10, 0, 0, 0]); // graphic control: keep previous, 0.1 s
            gif.WriteByte(0x2C);
            WriteUInt16(gif, 0);
            WriteUInt16(gif, 0);
            WriteUInt16(gif, width);
            WriteUInt16(gif, height);
            gif.WriteByte(0);
            gif.WriteByte(8); // LZW minimum code size
            var indices = new List<int>(width * height);
            for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                indices.Add(((x * 3 + y * 5) + frame * 50) & 255);
            WriteSubBlocks(gif, Lzw9Bit(indices));
        }
        gif.WriteByte(0x3B);
        return gif.ToArray();
    }

    private static byte[] Lzw9Bit(List<int> indices)
    {
        const int clear = 256, end = 257;
        var codes = new List<int>();
        for (int i = 0; i < indices.Count; i++)
        {
            if (i % 200 == 0)
                codes.Add(clear);
            codes.Add(indices[i]);
        }
        codes.Add(end);
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (int code in codes)
        {
            buffer |= code << bits; // GIF packs codes least-significant bit first
            bits += 9;
            while (bits >= 8)
            {
                bytes.Add((byte)buffer);
                buffer >>= 8;
                bits -= 8;
            }
        }
        if (bits > 0)
            bytes.Add((byte)buffer);
        return [.. bytes];
    }

    private static void WriteSubBlocks(Stream stream, byte[] data)
    {
        for (int offset = 0; offset < data.Length; offset += 255)
        {
            int length = Math.Min(255, data.Length - offset);
            stream.WriteByte((byte)length);
            stream.Write(data, offset, length);
        }
        stream.WriteByte(0);
    }

    private static void WriteUInt16(Stream stream, int value)
    {
        stream.WriteByte((byte)value);
        stream.WriteByte((byte)(value >> 8));
    }

    /// <summary>A PNG signature and IHDR chunk claiming <paramref name="width"/>×<paramref name="height"/>, with no pixel data.</summary>
    public static byte[] PngHeaderOnly(uint width, uint height)
    {
        var png = new byte[8 + 25 + 12];
        new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(png, 0);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(8), 13);
        "IHDR"u8.CopyTo(png.AsSpan(12));
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), height);
        png[24] = 8; // bit depth
        png[25] = 6; // RGBA
        // CRC left zero: the header reader must refuse on size before anything checks CRCs.
        "IEND"u8.CopyTo(png.AsSpan(8 + 25 + 4));
        return png;
    }
}
