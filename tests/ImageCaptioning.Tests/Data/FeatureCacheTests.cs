using ImageCaptioning.Data;

namespace ImageCaptioning.Tests.Data;

public sealed class FeatureCacheTests : IDisposable
{
    // A small grid shape keeps the files tiny; one test uses the real 49×1280.
    private const int Positions = 6, Channels = 10;
    private static readonly string EncoderA = new('a', 64);
    private static readonly string EncoderB = new('b', 64);
    private static readonly string[] Names = ["one.jpg", "two.jpg", "three.jpg", "four.jpg"];

    private readonly TemporaryFolder _folder = new("feature-cache");
    private string CachePath => _folder.File("features.f16bin");

    /// <summary>A deterministic grid per image, values in 0..6 like the encoder's ReLU6 output.</summary>
    private static float[] Grid(int seed, int positions = Positions, int channels = Channels)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, positions * channels).Select(_ => rng.NextSingle() * 6f).ToArray();
    }

    private FeatureCacheWriter CreateWriter(IReadOnlyList<string>? names = null, string? encoder = null, bool overwrite = false) =>
        FeatureCacheWriter.CreateOrResume(CachePath, names ?? Names, encoder ?? EncoderA, Positions, Channels, overwrite);

    private void WriteAll()
    {
        using var writer = CreateWriter();
        for (int i = 0; i < Names.Length; i++)
            writer.Write(Names[i], Grid(i));
    }

    private static void AssertCloseToFloat16(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Math.Abs(expected[i]) / 1024f + 1e-7f,
                $"element {i}: {actual[i]} is not {expected[i]} within float16 precision");
    }

    [Fact]
    public void Round_trip_returns_each_grid_within_float16_precision()
    {
        WriteAll();
        using var cache = FeatureCache.Open(CachePath);
        Assert.Equal(Names, cache.ImageNames);
        Assert.Equal((4, Positions, Channels, 4), (cache.Count, cache.Positions, cache.Channels, cache.CompletedCount));
        Assert.Equal(EncoderA, cache.EncoderSha256);
        var grid = new float[Positions * Channels];
        for (int i = 0; i < Names.Length; i++)
        {
            Assert.True(cache.TryGetIndex(Names[i], out int index));
            Assert.Equal(i, index);
            cache.CopyGrid(index, grid);
            AssertCloseToFloat16(Grid(i), grid);
        }
        Assert.False(cache.TryGetIndex("absent.jpg", out _));
    }

    [Fact]
    public void Round_trip_at_the_encoder_geometry()
    {
        const int P = 49, C = 1280;
        string[] names = ["x.jpg", "y.jpg"];
        using (var writer = FeatureCacheWriter.CreateOrResume(CachePath, names, EncoderA))
        {
            writer.Write("y.jpg", Grid(7, P, C));
            writer.Write("x.jpg", Grid(8, P, C));
        }
        using var cache = FeatureCache.Open(CachePath);
        Assert.Equal((P, C), (cache.Positions, cache.Channels));
        var grid = new float[P * C];
        cache.CopyGrid(1, grid);
        AssertCloseToFloat16(Grid(7, P, C), grid);
        cache.CopyGrid(0, grid);
        AssertCloseToFloat16(Grid(8, P, C), grid);
    }

    [Fact]
    public void Resume_after_an_interruption_keeps_committed_slots_and_finishes_the_rest()
    {
        string snapshot = _folder.File("killed.f16bin");
        using (var writer = CreateWriter())
        {
            writer.Write(Names[0], Grid(0));
            writer.Write(Names[1], Grid(1));
            writer.Commit();
            writer.Write(Names[2], Grid(2)); // written but never committed when the "kill" happens
            // What a kill -9 would leave on disk right now: copy the file while the writer still holds it.
            using (var source = new FileStream(CachePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            using (var target = File.Create(snapshot))
                source.CopyTo(target);
        }
        File.Move(snapshot, CachePath, overwrite: true);

        using (var resumed = CreateWriter())
        {
            Assert.True(resumed.Resumed);
            Assert.Equal(2, resumed.CompletedCount);
            Assert.True(resumed.IsComplete(Names[1]));
            Assert.False(resumed.IsComplete(Names[2]));
            using (var partial = FeatureCache.Open(CachePath))
            {
                Assert.False(partial.TryGetIndex(Names[2], out _));
                Assert.Contains("no features for 'three.jpg' yet", Assert.Throws<FeatureCacheException>(
                    () => partial.CopyGrid(2, new float[Positions * Channels])).Message);
            }
            foreach (string name in Names.Where(n => !resumed.IsComplete(n)))
                resumed.Write(name, Grid(Array.IndexOf(Names, name)));
        }

        using var cache = FeatureCache.Open(CachePath);
        Assert.Equal(4, cache.CompletedCount);
        var grid = new float[Positions * Channels];
        for (int i = 0; i < Names.Length; i++)
        {
            cache.CopyGrid(i, grid);
            AssertCloseToFloat16(Grid(i), grid);
        }
    }

    [Fact]
    public void Writing_a_complete_slot_again_is_refused()
    {
        using var writer = CreateWriter();
        writer.Write(Names[0], Grid(0));
        Assert.Throws<InvalidOperationException>(() => writer.Write(Names[0], Grid(0)));
        Assert.Throws<ArgumentException>(() => writer.Write("absent.jpg", Grid(0)));
        Assert.Throws<ArgumentException>(() => writer.Write(Names[1], new float[3]));
    }

    [Fact]
    public void Another_encoder_or_image_list_is_refused_unless_overwriting()
    {
        WriteAll();
        var encoderError = Assert.Throws<FeatureCacheMismatchException>(() => CreateWriter(encoder: EncoderB));
        Assert.Contains("encoder", encoderError.Message);
        Assert.Contains("--force", encoderError.Message);
        Assert.Throws<FeatureCacheMismatchException>(() => CreateWriter(names: ["one.jpg", "two.jpg"]));
        Assert.Throws<FeatureCacheMismatchException>(() => CreateWriter(names: ["one.jpg", "two.jpg", "four.jpg", "three.jpg"]));

        using (var rebuilt = CreateWriter(encoder: EncoderB, overwrite: true))
        {
            Assert.False(rebuilt.Resumed);
            Assert.Equal(0, rebuilt.CompletedCount);
        }
        using var cache = FeatureCache.Open(CachePath);
        Assert.Equal(EncoderB, cache.EncoderSha256);
    }

    [Fact]
    public void Truncation_is_detected_on_open()
    {
        WriteAll();
        using (var file = new FileStream(CachePath, FileMode.Open))
            file.SetLength(file.Length - 1);
        var error = Assert.Throws<FeatureCacheFormatException>(() => FeatureCache.Open(CachePath));
        Assert.Contains("truncated", error.Message);
        Assert.Throws<FeatureCacheFormatException>(() => CreateWriter());

        using (var file = new FileStream(CachePath, FileMode.Open))
            file.SetLength(40);
        Assert.Contains("truncated", Assert.Throws<FeatureCacheFormatException>(() => FeatureCache.Open(CachePath)).Message);
    }

    [Theory]
    [InlineData(0, "not a feature cache")]      // magic
    [InlineData(8, "version")]                  // version
    [InlineData(40, "checksum")]                // encoder hash
    [InlineData(130, "checksum")]               // name table
    public void A_tampered_header_is_detected_on_open(long offset, string expectedFragment)
    {
        WriteAll();
        FlipByte(offset);
        var error = Assert.Throws<FeatureCacheFormatException>(() => FeatureCache.Open(CachePath));
        Assert.Contains(expectedFragment, error.Message);
    }

    [Fact]
    public void A_damaged_completion_marker_is_reported_by_reader_and_writer()
    {
        WriteAll();
        FlipByte(FeatureCacheLayout.Create(Names, EncoderA, Positions, Channels).RecordEntryOffset(2));
        Assert.Contains("damaged completion record (slot 2)",
            Assert.Throws<FeatureCacheFormatException>(() => FeatureCache.Open(CachePath)).Message);
        Assert.Contains("damaged completion record (slot 2)",
            Assert.Throws<FeatureCacheFormatException>(() => CreateWriter()).Message);
    }

    [Fact]
    public void Tampered_data_is_detected_when_the_grid_is_read()
    {
        WriteAll();
        long fileLength = new FileInfo(CachePath).Length;
        long slotBytes = Positions * Channels * 2;
        FlipByte(fileLength - slotBytes + 5); // inside the last slot
        using var cache = FeatureCache.Open(CachePath);
        var grid = new float[Positions * Channels];
        cache.CopyGrid(0, grid); // other slots are still fine
        var error = Assert.Throws<FeatureCacheFormatException>(() => cache.CopyGrid(3, grid));
        Assert.Contains("four.jpg", error.Message);
        Assert.Contains("checksum", error.Message);
    }

    [Fact]
    public void Reader_works_on_a_read_only_file()
    {
        WriteAll();
        File.SetAttributes(CachePath, FileAttributes.ReadOnly);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(CachePath, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using var cache = FeatureCache.Open(CachePath);
        var grid = new float[Positions * Channels];
        cache.CopyGrid(2, grid);
        AssertCloseToFloat16(Grid(2), grid);
    }

    [Fact]
    public void Open_reports_a_missing_file_and_a_file_that_is_not_a_cache()
    {
        Assert.Throws<FileNotFoundException>(() => FeatureCache.Open(_folder.File("absent.f16bin")));
        File.WriteAllText(CachePath, new string('x', 500));
        Assert.Contains("not a feature cache", Assert.Throws<FeatureCacheFormatException>(() => FeatureCache.Open(CachePath)).Message);
    }

    [Fact]
    public void CopyGrid_rejects_a_destination_of_the_wrong_size()
    {
        WriteAll();
        using var cache = FeatureCache.Open(CachePath);
        Assert.Throws<ArgumentException>(() => cache.CopyGrid(0, new float[Positions * Channels + 1]));
    }

    private void FlipByte(long offset)
    {
        using var file = new FileStream(CachePath, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        int value = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(value ^ 0x5A));
    }

    public void Dispose() => _folder.Dispose();
}
