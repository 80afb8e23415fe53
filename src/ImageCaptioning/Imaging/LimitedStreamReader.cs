namespace ImageCaptioning.Imaging;

/// <summary>
/// Reads a stream into memory, at most a limit: the stream's own reads write straight into one array (grown only when
/// the expected length is unknown or too small), so an upload's bytes are copied once, and never more than limit + 1 are read.
/// </summary>
public static class LimitedStreamReader
{
    private const int UnknownLengthStart = 64 * 1024;

    /// <summary>The whole stream, or <paramref name="tooLarge"/> (given the bytes read so far) once it passes <paramref name="maxBytes"/>.</summary>
    /// <param name="expectedLength">The size if known (a file's length, a request's Content-Length): the array is made for it once.</param>
    public static ReadOnlyMemory<byte> Read(Stream stream, long maxBytes, long? expectedLength, Func<long, Exception> tooLarge)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new Buffer(maxBytes, expectedLength, tooLarge);
        int read;
        while ((read = stream.Read(buffer.FreeSpace().Span)) > 0)
            buffer.Advance(read);
        return buffer.Filled;
    }

    /// <inheritdoc cref="Read"/>
    public static async ValueTask<ReadOnlyMemory<byte>> ReadAsync(Stream stream, long maxBytes, long? expectedLength,
        Func<long, Exception> tooLarge, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new Buffer(maxBytes, expectedLength, tooLarge);
        int read;
        while ((read = await stream.ReadAsync(buffer.FreeSpace(), ct)) > 0)
            buffer.Advance(read);
        return buffer.Filled;
    }

    private sealed class Buffer(long maxBytes, long? expectedLength, Func<long, Exception> tooLarge)
    {
        // Room for one byte past the limit: reading it is how an input of unknown length is found to be too large.
        private readonly int _capacityLimit = (int)Math.Min(maxBytes + 1, Array.MaxLength);
        // One byte past the expected length, so the read that reports the end needs no bigger array.
        private byte[] _array = new byte[(int)Math.Clamp(expectedLength + 1 ?? UnknownLengthStart, 1, Math.Min(maxBytes + 1, Array.MaxLength))];
        private int _length;

        public ReadOnlyMemory<byte> Filled => _array.AsMemory(0, _length);

        public Memory<byte> FreeSpace()
        {
            if (_length == _array.Length)
            {
                if (_length >= _capacityLimit) throw tooLarge(_length);
                Array.Resize(ref _array, (int)Math.Min((long)_array.Length * 2, _capacityLimit));
            }
            return _array.AsMemory(_length);
        }

        public void Advance(int read)
        {
            _length += read;
            if (_length > maxBytes)
                throw tooLarge(_length);
        }
    }
}
