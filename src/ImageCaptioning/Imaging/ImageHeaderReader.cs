using System.Buffers.Binary;
using System.Text;

namespace ImageCaptioning.Imaging;

/// <summary>
/// Recognises an image by its magic bytes and reads width and height from its header, without
/// decoding pixels. This is what lets us refuse bad or huge inputs cheaply and with a precise reason.
/// </summary>
public static class ImageHeaderReader
{
    /// <summary>The header of <paramref name="data"/> (the whole encoded file).</summary>
    /// <param name="source">How to name the input in messages, e.g. <c>'dog.jpg'</c>.</param>
    /// <exception cref="InvalidImageException">Empty, not an image, an unsupported format, or a damaged header.</exception>
    public static ImageHeader Read(ReadOnlySpan<byte> data, string source)
    {
        if (data.IsEmpty)
            throw new InvalidImageException(InvalidImageReason.Empty, $"{source} is empty (zero bytes).");

        if (StartsWith(data, [0xFF, 0xD8, 0xFF]))
            return ReadJpeg(data, source);
        if (StartsWith(data, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
            return ReadPng(data, source);
        if (StartsWith(data, "GIF87a"u8) || StartsWith(data, "GIF89a"u8))
            return ReadGif(data, source);
        if (LooksLikeBmp(data))
            return ReadBmp(data, source);
        if (StartsWith(data, "RIFF"u8) && data.Length >= 12 && data.Slice(8, 4).SequenceEqual("WEBP"u8))
            return ReadWebP(data, source);

        if (RecognisedButUnsupported(data) is { } name)
            throw new InvalidImageException(InvalidImageReason.UnsupportedFormat,
                $"{source} is a {name} image; supported formats are JPEG, PNG, BMP, GIF and WebP.");
        throw new InvalidImageException(InvalidImageReason.NotAnImage,
            $"{source} is not an image (its first bytes match no JPEG, PNG, BMP, GIF or WebP header).");
    }

    private static ImageHeader ReadJpeg(ReadOnlySpan<byte> data, string source)
    {
        // Walk the marker segments after SOI (FF D8) until a start-of-frame segment, which holds the size.
        int pos = 2;
        while (true)
        {
            if (pos + 4 > data.Length)
                throw Truncated(source, "JPEG", "before its frame header");
            if (data[pos] != 0xFF)
                throw Corrupt(source, $"JPEG marker expected at byte {pos}");
            byte marker = data[pos + 1];
            if (marker == 0xFF) { pos++; continue; } // fill byte
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) { pos += 2; continue; } // markers without a length
            if (marker is 0xD9 or 0xDA)
                throw Corrupt(source, "JPEG has no frame header before its image data");
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 2)..]);
            if (length < 2)
                throw Corrupt(source, $"JPEG segment at byte {pos} has an impossible length {length}");
            bool startOfFrame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (startOfFrame)
            {
                if (pos + 9 > data.Length)
                    throw Truncated(source, "JPEG", "inside its frame header");
                int height = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 5)..]);
                int width = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 7)..]);
                return Sized(ImageFileFormat.Jpeg, width, height, source);
            }
            pos += 2 + length;
        }
    }

    private static ImageHeader ReadPng(ReadOnlySpan<byte> data, string source)
    {
        // 8-byte signature, then the IHDR chunk: length (4), "IHDR", width (4, BE), height (4, BE).
        if (data.Length < 24)
            throw Truncated(source, "PNG", "inside its header");
        if (!data.Slice(12, 4).SequenceEqual("IHDR"u8))
            throw Corrupt(source, "PNG does not start with an IHDR chunk");
        uint width = BinaryPrimitives.ReadUInt32BigEndian(data[16..]);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(data[20..]);
        return Sized(ImageFileFormat.Png, ClampToInt(width), ClampToInt(height), source);
    }

    private static ImageHeader ReadGif(ReadOnlySpan<byte> data, string source)
    {
        // "GIF89a", then the logical screen: width (2, LE), height (2, LE).
        if (data.Length < 13)
            throw Truncated(source, "GIF", "inside its header");
        int width = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
        int height = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
        return Sized(ImageFileFormat.Gif, width, height, source);
    }

    /// <summary>
    /// "BM" alone is too weak a signature (a text file may start with it), so the DIB header size
    /// that follows the 14-byte file header must also be one of the sizes BMP versions define.
    /// </summary>
    private static bool LooksLikeBmp(ReadOnlySpan<byte> data) =>
        StartsWith(data, "BM"u8) && data.Length >= 18
        && BinaryPrimitives.ReadUInt32LittleEndian(data[14..]) is 12 or 16 or 40 or 52 or 56 or 64 or 108 or 124;

    private static ImageHeader ReadBmp(ReadOnlySpan<byte> data, string source)
    {
        uint dibSize = BinaryPrimitives.ReadUInt32LittleEndian(data[14..]);
        if (dibSize == 12) // BITMAPCOREHEADER (OS/2): 16-bit sizes
        {
            if (data.Length < 22)
                throw Truncated(source, "BMP", "inside its header");
            return Sized(ImageFileFormat.Bmp, BinaryPrimitives.ReadUInt16LittleEndian(data[18..]),
                BinaryPrimitives.ReadUInt16LittleEndian(data[20..]), source);
        }
        if (data.Length < 26)
            throw Truncated(source, "BMP", "inside its header");
        int w = BinaryPrimitives.ReadInt32LittleEndian(data[18..]);
        int h = BinaryPrimitives.ReadInt32LittleEndian(data[22..]);
        // A negative height means rows are stored top-down; the size is its magnitude.
        return Sized(ImageFileFormat.Bmp, w, h == int.MinValue ? int.MaxValue : Math.Abs(h), source);
    }

    private static ImageHeader ReadWebP(ReadOnlySpan<byte> data, string source)
    {
        // "RIFF" size "WEBP", then the first chunk: fourcc (4), size (4), payload from byte 20.
        if (data.Length < 30)
            throw Truncated(source, "WebP", "inside its header");
        ReadOnlySpan<byte> chunk = data.Slice(12, 4);
        ReadOnlySpan<byte> payload = data[20..];
        if (chunk.SequenceEqual("VP8 "u8))
        {
            // Lossy: 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height.
            if (payload[3] != 0x9D || payload[4] != 0x01 || payload[5] != 0x2A)
                throw Corrupt(source, "WebP (VP8) frame has no start code");
            return Sized(ImageFileFormat.WebP, BinaryPrimitives.ReadUInt16LittleEndian(payload[6..]) & 0x3FFF,
                BinaryPrimitives.ReadUInt16LittleEndian(payload[8..]) & 0x3FFF, source);
        }
        if (chunk.SequenceEqual("VP8L"u8))
        {
            // Lossless: signature 0x2F, then (width-1) and (height-1) as two 14-bit fields.
            if (payload[0] != 0x2F)
                throw Corrupt(source, "WebP (VP8L) has no lossless signature");
            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(payload[1..]);
            return Sized(ImageFileFormat.WebP, (int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1, source);
        }
        if (chunk.SequenceEqual("VP8X"u8))
        {
            // Extended: flags (1), reserved (3), (canvas width-1) and (canvas height-1) as 24-bit LE.
            int width = (payload[4] | payload[5] << 8 | payload[6] << 16) + 1;
            int height = (payload[7] | payload[8] << 8 | payload[9] << 16) + 1;
            return Sized(ImageFileFormat.WebP, width, height, source);
        }
        throw Corrupt(source, $"WebP starts with an unknown chunk '{Encoding.ASCII.GetString(chunk)}'");
    }

    private static ImageHeader Sized(ImageFileFormat format, int width, int height, string source) =>
        width > 0 && height > 0
            ? new ImageHeader(format, width, height)
            : throw Corrupt(source, $"{format} header gives an impossible size {width}×{height}");

    private static string? RecognisedButUnsupported(ReadOnlySpan<byte> data)
    {
        if (StartsWith(data, "II*\0"u8) || StartsWith(data, "MM\0*"u8)) return "TIFF";
        if (StartsWith(data, "8BPS"u8)) return "Photoshop (PSD)";
        if (StartsWith(data, [0x00, 0x00, 0x01, 0x00])) return "Windows icon (ICO)";
        if (StartsWith(data, [0xFF, 0x0A]) || StartsWith(data, [0, 0, 0, 0x0C, (byte)'J', (byte)'X', (byte)'L', (byte)' ', 0x0D, 0x0A, 0x87, 0x0A])) return "JPEG XL";
        if (StartsWith(data, [0, 0, 0, 0x0C, (byte)'j', (byte)'P', (byte)' ', (byte)' ', 0x0D, 0x0A, 0x87, 0x0A])) return "JPEG 2000";
        if (data.Length >= 12 && data.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            ReadOnlySpan<byte> brand = data.Slice(8, 4);
            if (brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8)) return "AVIF";
            if (brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8)) return "HEIF/HEIC";
        }
        return null;
    }

    private static bool StartsWith(ReadOnlySpan<byte> data, ReadOnlySpan<byte> prefix) => data.StartsWith(prefix);

    private static int ClampToInt(uint value) => value > int.MaxValue ? int.MaxValue : (int)value;

    private static InvalidImageException Truncated(string source, string format, string where) =>
        new(InvalidImageReason.Corrupt, $"{source} is a truncated {format} file (it ends {where}).");

    private static InvalidImageException Corrupt(string source, string what) =>
        new(InvalidImageReason.Corrupt, $"{source} is damaged: {what}.");
}
