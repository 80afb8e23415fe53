using System.CommandLine;
using System.Diagnostics;
using ImageCaptioning.Configuration;
using ImageCaptioning.Data;

using ImageCaptioning.Benchmarks.Harness;

namespace ImageCaptioning.Benchmarks;

/// <summary>
/// `bench feature-cache`: what reading a grid from the memory-mapped feature cache costs the trainer
/// (checksum check + float16 → float32 conversion), and one full pass over every complete slot, which also
/// proves the whole file is intact.
/// </summary>
internal static class BenchFeatureCacheCommand
{
    public static Command Create()
    {
        var cachePath = new Option<string?>("--cache") { HelpName = "path", Description = "Feature cache (default: the newest *.f16bin in the data cache)." };
        var batch = new Option<int>("--batch") { Description = "Grids per measured run (random slots).", DefaultValueFactory = _ => 64 };
        var command = new Command("feature-cache", "Median time to read a batch of grids from the feature cache, and a full verified pass.") { cachePath, batch };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(cachePath) ?? NewestCache(CaptioningPaths.FromEnvironment().DataCacheDirectory);
            using var cache = FeatureCache.Open(path);
            int[] complete = [.. Enumerable.Range(0, cache.Count).Where(cache.IsComplete)];
            if (complete.Length == 0)
                throw new FeatureCacheException(path, $"The feature cache '{path}' has no complete slots to read.");
            var grid = new float[cache.Positions * cache.Channels];

            // Full pass first: it checks every checksum and leaves the file in the page cache for the timed part.
            long start = Stopwatch.GetTimestamp();
            foreach (int index in complete)
                cache.CopyGrid(index, grid);
            double fullSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

            int batchSize = Math.Max(1, parse.GetValue(batch));
            var rng = new Random(1);
            var result = BenchStats.Measure(() =>
            {
                for (int i = 0; i < batchSize; i++)
                    cache.CopyGrid(complete[rng.Next(complete.Length)], grid);
            }, warmup: 3, runs: 21);

            double megabytes = cache.Positions * cache.Channels * 2.0 / (1 << 20);
            Console.WriteLine($"{path}: {complete.Length:N0} of {cache.Count:N0} slots complete, {cache.Positions}×{cache.Channels} float16 ({megabytes * 1024:F0} KB each)");
            Console.WriteLine($"full verified pass: {fullSeconds:F2} s ({complete.Length / fullSeconds:F0} grids/s, {complete.Length * megabytes / fullSeconds:F0} MB/s), every checksum OK");
            Console.WriteLine($"batch of {batchSize} random grids: {result.Format()} = {result.MedianMs * 1000 / batchSize:F0} µs per grid (median)");
            return 0;
        });
        return command;
    }

    private static string NewestCache(string directory) =>
        (Directory.Exists(directory) ? new DirectoryInfo(directory).GetFiles("*.f16bin").OrderByDescending(f => f.LastWriteTimeUtc).FirstOrDefault() : null)?.FullName
        ?? throw new FileNotFoundException($"No feature cache in '{directory}': run `extract` first or pass --cache.");
}
