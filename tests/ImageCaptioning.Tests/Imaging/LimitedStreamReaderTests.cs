using System.Runtime.InteropServices;
using ImageCaptioning.Imaging;

namespace ImageCaptioning.Tests.Imaging;

public class LimitedStreamReaderTests
{
    private static Exception TooLarge(long read) => new InvalidDataException($"over after {read}");

    [Fact]
    public void AKnownLengthIsReadIntoOneArrayOfThatSize()
    {
        byte[] data = RandomBytes(300_000);
        var bytes = LimitedStreamReader.Read(new MemoryStream(data), 1_000_000, data.Length, TooLarge);
        Assert.Equal(data, bytes.ToArray());
        Assert.True(MemoryMarshal.TryGetArray(bytes, out var array));
        // One byte of room past the expected length: the read that finds the end needs no bigger array.
        Assert.Equal(data.Length + 1, array.Array!.Length);
    }

    [Fact]
    public async Task AnUnknownOrWrongLengthStillReadsEverything()
    {
        byte[] data = RandomBytes(300_000);
        Assert.Equal(data, LimitedStreamReader.Read(new MemoryStream(data), 1_000_000, null, TooLarge).ToArray());
        Assert.Equal(data, LimitedStreamReader.Read(new MemoryStream(data), 1_000_000, 10, TooLarge).ToArray());
        var read = await LimitedStreamReader.ReadAsync(new MemoryStream(data), 1_000_000, null, TooLarge, TestContext.Current.CancellationToken);
        Assert.Equal(data, read.ToArray());
    }

    [Fact]
    public async Task OneByteOverTheLimitIsTooLargeAndNothingMoreIsRead()
    {
        byte[] data = RandomBytes(5_001);
        var stream = new MemoryStream(data);
        var ex = Assert.Throws<InvalidDataException>(() => LimitedStreamReader.Read(stream, 5_000, null, TooLarge));
        Assert.Equal("over after 5001", ex.Message);
        Assert.Equal(5_001, stream.Position);

        // Exactly at the limit is fine, also when the caller expected more.
        var exact = await LimitedStreamReader.ReadAsync(new MemoryStream(data[..5_000]), 5_000, 1_000_000, TooLarge, TestContext.Current.CancellationToken);
        Assert.Equal(5_000, exact.Length);
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(7).NextBytes(bytes);
        return bytes;
    }
}
