using System.Threading.RateLimiting;
using ImageCaptioning.Imaging;
using ImageCaptioning.Web.Configuration;
using Microsoft.Extensions.Options;

namespace ImageCaptioning.Web.Queue;

/// <summary>
/// Bounds the memory all image decodes hold at once by bytes, not by count: each caption reserves its decode's
/// peak (<see cref="DecodeMemoryEstimate"/>, from the header) out of <see cref="WebOptions.DecodeMemoryBudgetBytes"/>
/// and waits, in arrival order, until that much is free. An image whose decode alone exceeds the budget is refused
/// with 413 before any pixel is decoded.
/// </summary>
public sealed class DecodeMemoryBudget : IDisposable
{
    private const long Unit = 1024 * 1024; // permits are MiB, so any budget fits in an int

    private readonly ConcurrencyLimiter _limiter;

    public DecodeMemoryBudget(IOptions<WebOptions> options)
    {
        BudgetBytes = options.Value.DecodeMemoryBudgetBytes;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Units(BudgetBytes),
            QueueLimit = int.MaxValue, // waiters already hold caption slots, so there are few of them
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public long BudgetBytes { get; }

    /// <summary>Bytes reserved by decodes now.</summary>
    public long ReservedBytes => (Units(BudgetBytes) - (_limiter.GetStatistics()?.CurrentAvailablePermits ?? 0)) * Unit;

    /// <summary>Reserves the decode memory of <paramref name="image"/>; dispose the lease when its pixels are freed.</summary>
    /// <exception cref="InvalidImageException">413: decoding this image alone would exceed the whole budget.</exception>
    public async ValueTask<IDisposable> ReserveAsync(ValidatedImage image, CancellationToken ct)
    {
        RateLimitLease lease = await _limiter.AcquireAsync(UnitsWithin(image), ct);
        return lease.IsAcquired ? lease : throw new InvalidOperationException("The decode memory queue refused a lease it has room for.");
    }

    /// <summary>The permits <paramref name="image"/>'s decode needs.</summary>
    /// <exception cref="InvalidImageException">413: decoding this image alone would exceed the whole budget.</exception>
    private int UnitsWithin(ValidatedImage image)
    {
        long bytes = DecodeMemoryEstimate.Bytes(image);
        if (bytes > BudgetBytes)
            throw new InvalidImageException(InvalidImageReason.TooLarge,
                $"{image.Source} ({image.Header.Width}×{image.Header.Height} {image.Header.Format}) would take {bytes / (double)Unit:N0} MB to decode; " +
                $"this server decodes at most {BudgetBytes / (double)Unit:N0} MB at once. Send a smaller image.");
        return Units(bytes);
    }

    /// <summary>
    /// The decode memory of <paramref name="image"/> if it is free now (and nobody waits for it), else null; a batch adds
    /// an image only this way, so it never waits holding other images' memory.
    /// </summary>
    /// <exception cref="InvalidImageException">413: decoding this image alone would exceed the whole budget.</exception>
    public IDisposable? TryReserve(ValidatedImage image)
    {
        RateLimitLease lease = _limiter.AttemptAcquire(UnitsWithin(image));
        if (lease.IsAcquired) return lease;
        lease.Dispose();
        return null;
    }

    private static int Units(long bytes) => (int)Math.Clamp((bytes + Unit - 1) / Unit, 1, int.MaxValue);

    public void Dispose() => _limiter.Dispose();
}
