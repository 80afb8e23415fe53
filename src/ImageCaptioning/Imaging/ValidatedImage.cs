namespace ImageCaptioning.Imaging;

/// <summary>
/// An encoded image that passed the cheap checks once: not empty, within <see cref="ImageLimits"/>, a supported format
/// with a plausible header. Web uploads, CLI files and notebook photos all become one of these, and it flows unchanged
/// (not copied, not checked again) through the encoder's pixel decoding to the caption. Its pixels are not decoded yet.
/// </summary>
public sealed class ValidatedImage
{
    private ValidatedImage(ReadOnlyMemory<byte> bytes, ImageHeader header, string source)
    {
        Bytes = bytes;
        Header = header;
        Source = source;
    }

    /// <summary>The whole encoded file (the caller's memory, not a copy; it must not change afterwards).</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    public ImageHeader Header { get; }

    /// <summary>How messages name this input, e.g. <c>'dog.jpg'</c>.</summary>
    public string Source { get; }

    /// <summary>Checks bytes already in memory and keeps them as they are.</summary>
    public static ValidatedImage FromBytes(ReadOnlyMemory<byte> bytes, ImageLimits limits, string source = "the image")
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.CheckLength(bytes.Length, source);
        ImageHeader header = ImageHeaderReader.Read(bytes.Span, source);
        limits.Check(header, source);
        return new ValidatedImage(bytes, header, source);
    }

    /// <summary>Reads and checks a file; its size is checked before it is read.</summary>
    public static ValidatedImage FromFile(string path, ImageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        string source = $"'{Path.GetFileName(path)}'";
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new FileNotFoundException($"Image file '{path}' does not exist.", path);
        limits.CheckLength(info.Length, source);
        return FromBytes(File.ReadAllBytes(path), limits, source);
    }

    /// <summary>Reads and checks a stream, reading at most <see cref="ImageLimits.MaxBytes"/> + 1 bytes.</summary>
    public static ValidatedImage FromStream(Stream stream, ImageLimits limits, string source = "the uploaded image")
    {
        ArgumentNullException.ThrowIfNull(limits);
        long? remaining = ExpectedLength(stream, limits, source);
        var bytes = LimitedStreamReader.Read(stream, limits.MaxBytes, remaining, read => limits.TooLarge(read, source));
        return FromBytes(bytes, limits, source);
    }

    /// <summary>A seekable stream's remaining length, checked before anything is read; null when the stream cannot tell.</summary>
    private static long? ExpectedLength(Stream stream, ImageLimits limits, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
            return null;
        long remaining = stream.Length - stream.Position;
        limits.CheckLength(remaining, source);
        return remaining;
    }
}
