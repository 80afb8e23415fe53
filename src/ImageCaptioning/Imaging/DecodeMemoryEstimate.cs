using System.Buffers.Binary;

namespace ImageCaptioning.Imaging;

/// <summary>
/// How many bytes decoding an image will hold at its peak, from its header alone (width × height × bytes per
/// pixel of each buffer <see cref="ImagePixelDecoder"/> and SkiaSharp allocate), so a server can refuse or queue
/// a decode by its real cost instead of its pixel count: a 90 KB PNG can claim 40 megapixels at 16 bits per sample.
/// </summary>
public static class DecodeMemoryEstimate
{
    /// <summary>SkiaSharp decodes into 8-bit BGRA/RGBA (4 bytes per pixel), grey images into Gray8 (1 byte).</summary>
    private const int Rgba8888BytesPerPixel = 4;

    /// <summary>Peak bytes for decoding <paramref name="image"/>: its encoded bytes, the decoded bitmap, a conversion copy and format buffers.</summary>
    public static long Bytes(ValidatedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        long pixels = image.Header.Pixels;
        var layout = Layout(image.Bytes.Span, image.Header.Format);
        long decoded = pixels * layout.DecodedBytesPerPixel;
        // Anything other than BGRA/RGBA 8888 is copied to BGRA 8888 while the decoded bitmap is still held.
        long converted = layout.DecodedBytesPerPixel == Rgba8888BytesPerPixel ? 0 : pixels * Rgba8888BytesPerPixel;
        // An interlaced PNG is assembled in a whole-image buffer at its own depth before conversion:
        // width × height × channels × bytes per sample.
        long interlaceBuffer = layout.Interlaced ? pixels * layout.Channels * layout.BytesPerSample : 0;
        return image.Bytes.Length + decoded + converted + interlaceBuffer;
    }

    private readonly record struct PixelLayout(int Channels, int BytesPerSample, int DecodedBytesPerPixel, bool Interlaced);

    private static PixelLayout Layout(ReadOnlySpan<byte> data, ImageFileFormat format) => format switch
    {
        ImageFileFormat.Png => PngLayout(data),
        ImageFileFormat.Jpeg => JpegLayout(data),
        _ => new PixelLayout(4, 1, Rgba8888BytesPerPixel, false),
    };

    private static PixelLayout PngLayout(ReadOnlySpan<byte> data)
    {
        // IHDR after the 8-byte signature: length, "IHDR", width, height, bit depth (24), colour type (25), …, interlace (28).
        if (data.Length < 29)
            return new PixelLayout(4, 2, Rgba8888BytesPerPixel, true); // assume the worst for what the header does not say
        int bitDepth = data[24];
        int colourType = data[25];
        bool interlaced = data[28] != 0;
        int channels = colourType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 4 };
        int bytesPerSample = bitDepth > 8 ? 2 : 1;
        // Grey without alpha decodes to Gray8 (unless a tRNS chunk adds alpha; the 4-byte case then covers it).
        int decoded = colourType == 0 && !HasPngChunk(data, "tRNS"u8) ? 1 : Rgba8888BytesPerPixel;
        return new PixelLayout(channels, bytesPerSample, decoded, interlaced);
    }

    private static PixelLayout JpegLayout(ReadOnlySpan<byte> data)
    {
        // Grey JPEGs (one component in the frame header) decode to Gray8; colour ones to 8888.
        int components = JpegComponents(data);
        return new PixelLayout(Math.Max(components, 1), 1, components == 1 ? 1 : Rgba8888BytesPerPixel, false);
    }

    private static int JpegComponents(ReadOnlySpan<byte> data)
    {
        int pos = 2;
        while (pos + 4 <= data.Length && data[pos] == 0xFF)
        {
            byte marker = data[pos + 1];
            if (marker == 0xFF) { pos++; continue; }
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) { pos += 2; continue; }
            if (marker is 0xD9 or 0xDA) break;
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 2)..]);
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                return pos + 9 < data.Length ? data[pos + 9] : 3;
            if (length < 2) break;
            pos += 2 + length;
        }
        return 3;
    }

    private static bool HasPngChunk(ReadOnlySpan<byte> data, ReadOnlySpan<byte> type)
    {
        int pos = 8;
        while (pos + 8 <= data.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            ReadOnlySpan<byte> name = data.Slice(pos + 4, 4);
            if (name.SequenceEqual(type)) return true;
            if (name.SequenceEqual("IDAT"u8) || length > int.MaxValue - 12 - pos) return false; // tRNS comes before the data
            pos += 12 + (int)length;
        }
        return false;
    }
}
