using System.Buffers.Binary;
using SkiaSharp;

namespace ImageCaptioning.Web.Tests.Infrastructure;

/// <summary>Images (good and bad) built in memory for the API tests.</summary>
public static class TestImages
{
    /// <summary>A colourful pattern (a real photo-like input is not needed: the pipeline must just run).</summary>
    public static byte[] Jpeg(int width = 224, int height = 224) => Encode(width, height, SKEncodedImageFormat.Jpeg, 90);

    public static byte[] Png(int width = 160, int height = 120) => Encode(width, height, SKEncodedImageFormat.Png, 100);

    /// <summary>A valid JPEG cut in half: the header is fine, the pixel data ends early.</summary>
    public static byte[] TruncatedJpeg()
    {
        byte[] whole = Jpeg(224, 224);
        return whole[..(whole.Length / 2)];
    }

    /// <summary>
    /// Only the signature and IHDR chunk of a PNG claiming <paramref name="width"/>×<paramref name="height"/> pixels:
    /// 33 bytes that would decode to gigabytes. The server must refuse it from the header.
    /// </summary>
    public static byte[] HugePngHeader(int width, int height)
    {
        var png = new byte[33];
        new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(png, 0);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(8), 13);  // IHDR length
        "IHDR"u8.CopyTo(png.AsSpan(12));
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        png[24] = 8;  // bit depth
        png[25] = 2;  // colour type RGB
        return png;    // compression, filter, interlace = 0; CRC left 0 (the header check does not need it)
    }

    /// <summary>
    /// A real, decodable PNG of <paramref name="width"/>×<paramref name="height"/> black pixels at 16 bits per sample
    /// (colour type 2 = RGB, 6 = RGBA), optionally Adam7-interlaced: a few hundred KB that decode to hundreds of MB.
    /// </summary>
    public static byte[] Png16(int width, int height, int colourType = 2, bool interlaced = false)
    {
        int channels = colourType == 6 ? 4 : 3;
        using var idat = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(idat, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            // Interlaced rows come in seven passes of smaller rows; zeros filtered with filter 0 are valid either way,
            // so writing the non-interlaced amount of zeros (more than enough) keeps this simple: the decoder stops at the end.
            var row = new byte[1 + width * channels * 2];
            for (int y = 0; y < height; y++)
                zlib.Write(row);
        }
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 16;
        ihdr[9] = (byte)colourType;
        ihdr[12] = (byte)(interlaced ? 1 : 0);
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IDAT", idat.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        byte[] typeAndData = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        png.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typeAndData));
        png.Write(number);
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>A little-endian TIFF header: a real image format the encoder does not decode.</summary>
    public static byte[] TiffHeader() => [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>Bytes that are no image at all.</summary>
    public static byte[] RandomBytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        bytes[0] = 0x42; // make sure it does not start like any image signature by chance
        bytes[1] = 0x00;
        return bytes;
    }

    private static byte[] Encode(int width, int height, SKEncodedImageFormat format, int quality)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            bitmap.SetPixel(x, y, new SKColor((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)((x + y) * 3 & 255)));
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }
}
