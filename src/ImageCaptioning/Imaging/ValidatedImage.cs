namespace ImageCaptioning.Imaging;

/// <summary>
/// An encoded image that passed the cheap checks: not empty, within <see cref="ImageLimits"/>, a
/// supported format with a plausible header. Its pixels have not been decoded yet.
/// </summary>
public sealed class ValidatedImage
{
    private ValidatedImage(byte[] bytes, ImageHeader header, string source)
    {
        Bytes = bytes;
        Header = header;
        Source = source;
    }

    /// <summary>The whole encoded file.</summary>
    public byte[] Bytes { get; }

    public ImageHeader Header { get; }

    /// <summary>How messages name this input, e.g. <c>'dog.jpg'</c>.</summary>
    public string Source { get; }

    /// <summary>Checks bytes already in memory.</summary>
    public static ValidatedImage FromBytes(byte[] bytes, ImageLimits limits, string source = "the image")
    {
        limits.CheckLength(bytes.Length, source);
        ImageHeader header = ImageHeaderReader.Read(bytes, source);
        limits.Check(header, source);
        return new ValidatedImage(bytes, header, source);
    }

    /// <summary>Reads and checks a file; its size is checked before it is read.</summary>
    public static ValidatedImage FromFile(string path, ImageLimits limits)
    {
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
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek)
            limits.CheckLength(stream.Length - stream.Position, source);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limits.MaxBytes) // an unseekable upload that keeps going: stop reading
                limits.CheckLength(buffer.Length, source);
        }
        return FromBytes(buffer.ToArray(), limits, source);
    }
}
