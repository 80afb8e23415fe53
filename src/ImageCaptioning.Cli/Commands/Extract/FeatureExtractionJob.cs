using ImageCaptioning.Data;
using ImageCaptioning.Errors;

namespace ImageCaptioning.Cli.Commands.Extract;

/// <summary>
/// Encodes images batch by batch into a <see cref="FeatureCacheWriter"/>, committing after every batch so an
/// interruption loses at most one batch. A failed batch is retried image by image, so a bad image costs only itself.
/// </summary>
/// <param name="encodeBatch">Image paths → position-major grids, one per path, in order (throws for a bad image).</param>
internal sealed class FeatureExtractionJob(Func<IReadOnlyList<string>, IReadOnlyList<float[]>> encodeBatch, FeatureCacheWriter writer)
{
    public readonly record struct Failure(string ImageName, string Reason);

    public sealed record Result(int Extracted, IReadOnlyList<Failure> Failures, bool Cancelled);

    /// <param name="advanced">Called after each batch with the number of images it covered (done or failed).</param>
    /// <param name="failed">Called once per image that could not be encoded.</param>
    public Result Run(IReadOnlyList<ExtractionItem> items, int batchSize, Action<int> advanced, Action<Failure> failed, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var failures = new List<Failure>();
        int extracted = 0;
        for (int start = 0; start < items.Count; start += batchSize)
        {
            if (ct.IsCancellationRequested)
                return new Result(extracted, failures, Cancelled: true);
            var batch = items.Skip(start).Take(batchSize).ToList();
            foreach ((ExtractionItem item, float[]? grid, string? error) in EncodeIsolatingFailures(batch))
            {
                if (grid is not null)
                {
                    writer.Write(item.ImageName, grid);
                    extracted++;
                }
                else
                {
                    var failure = new Failure(item.ImageName, error!);
                    failures.Add(failure);
                    failed(failure);
                }
            }
            writer.Commit(); // the checkpoint
            advanced(batch.Count);
        }
        return new Result(extracted, failures, Cancelled: false);
    }

    /// <summary>The whole batch in one call; if that throws, each image alone to find the bad ones.</summary>
    private IEnumerable<(ExtractionItem Item, float[]? Grid, string? Error)> EncodeIsolatingFailures(List<ExtractionItem> batch)
    {
        IReadOnlyList<float[]>? grids = TryEncode([.. batch.Select(item => item.ImagePath)], out _);
        if (grids is not null)
            return batch.Select((item, i) => (item, (float[]?)grids[i], (string?)null));
        return batch.Select(item =>
        {
            IReadOnlyList<float[]>? single = TryEncode([item.ImagePath], out string? error);
            return (item, single?[0], error);
        }).ToList();
    }

    private IReadOnlyList<float[]>? TryEncode(IReadOnlyList<string> paths, out string? error)
    {
        try
        {
            error = null;
            return encodeBatch(paths);
        }
        catch (Exception ex) when (ex is ImageCaptioningException or IOException or UnauthorizedAccessException)
        {
            error = ex.Message;
            return null;
        }
    }
}
