using ImageCaptioning.Cli.Commands.Extract;
using ImageCaptioning.Data;
using ImageCaptioning.Imaging;

namespace ImageCaptioning.Tests.Data;

/// <summary>The extract loop with a stand-in encoder (the real one is exercised in <see cref="ExtractCommandTests"/>).</summary>
public sealed class FeatureExtractionJobTests : IDisposable
{
    private const int Positions = 2, Channels = 3;
    private static readonly string Encoder = new('c', 64);
    private readonly TemporaryFolder _folder = new("extract-job");

    /// <summary>Grid of an image = its name's length in every element; "bad*" images are refused like a corrupt file.</summary>
    private static IReadOnlyList<float[]> FakeEncode(IReadOnlyList<string> paths, List<int> callSizes)
    {
        callSizes.Add(paths.Count);
        string? bad = paths.FirstOrDefault(p => Path.GetFileName(p).StartsWith("bad", StringComparison.Ordinal));
        if (bad is not null)
            throw new InvalidImageException(InvalidImageReason.Corrupt, $"{bad} is damaged.");
        return [.. paths.Select(p => Enumerable.Repeat((float)Path.GetFileName(p).Length, Positions * Channels).ToArray())];
    }

    private static List<ExtractionItem> Items(params string[] names) => [.. names.Select(n => new ExtractionItem(n, "/images/" + n))];

    [Fact]
    public void Every_image_is_written_and_committed_batch_by_batch()
    {
        string[] names = ["a.jpg", "bb.jpg", "ccc.jpg", "dddd.jpg", "eeeee.jpg"];
        var calls = new List<int>();
        var advanced = new List<int>();
        string path = _folder.File("cache.f16bin");
        using (var writer = FeatureCacheWriter.CreateOrResume(path, names, Encoder, Positions, Channels))
        {
            var job = new FeatureExtractionJob(p => FakeEncode(p, calls), writer);
            var result = job.Run(Items(names), batchSize: 2, advanced.Add, _ => Assert.Fail("no failure expected"), TestContext.Current.CancellationToken);
            Assert.Equal((5, 0, false), (result.Extracted, result.Failures.Count, result.Cancelled));
            Assert.Equal(0, writer.PendingCount); // committed at every batch, not only on dispose
        }
        Assert.Equal([2, 2, 1], calls);
        Assert.Equal([2, 2, 1], advanced);

        using var cache = FeatureCache.Open(path);
        var grid = new float[Positions * Channels];
        Assert.True(cache.TryGetIndex("ccc.jpg", out int index));
        cache.CopyGrid(index, grid);
        Assert.All(grid, v => Assert.Equal(7f, v));
    }

    [Fact]
    public void A_bad_image_is_reported_and_the_rest_of_its_batch_is_still_written()
    {
        string[] names = ["a.jpg", "bad.jpg", "c.jpg", "d.jpg"];
        var calls = new List<int>();
        var failures = new List<FeatureExtractionJob.Failure>();
        string path = _folder.File("cache.f16bin");
        using (var writer = FeatureCacheWriter.CreateOrResume(path, names, Encoder, Positions, Channels))
        {
            var job = new FeatureExtractionJob(p => FakeEncode(p, calls), writer);
            var result = job.Run(Items(names), batchSize: 3, _ => { }, failures.Add, TestContext.Current.CancellationToken);
            Assert.Equal(3, result.Extracted);
            Assert.Equal("bad.jpg", Assert.Single(result.Failures).ImageName);
        }
        Assert.Contains("damaged", Assert.Single(failures).Reason);
        Assert.Equal([3, 1, 1, 1, 1], calls); // the failing batch, then its images one by one, then the last batch

        using var cache = FeatureCache.Open(path);
        Assert.Equal(3, cache.CompletedCount);
        Assert.False(cache.TryGetIndex("bad.jpg", out _));
    }

    [Fact]
    public void Cancellation_stops_between_batches_with_finished_batches_saved()
    {
        string[] names = ["a.jpg", "b.jpg", "c.jpg", "d.jpg"];
        using var cancel = new CancellationTokenSource();
        string path = _folder.File("cache.f16bin");
        using (var writer = FeatureCacheWriter.CreateOrResume(path, names, Encoder, Positions, Channels))
        {
            var job = new FeatureExtractionJob(p => FakeEncode(p, []), writer);
            var result = job.Run(Items(names), batchSize: 2, _ => cancel.Cancel(), _ => { }, cancel.Token);
            Assert.Equal((2, true), (result.Extracted, result.Cancelled));
        }
        using var resumed = FeatureCacheWriter.CreateOrResume(path, names, Encoder, Positions, Channels);
        Assert.Equal(2, resumed.CompletedCount);
    }

    public void Dispose() => _folder.Dispose();
}
