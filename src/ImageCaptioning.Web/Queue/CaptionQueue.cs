using System.Threading.RateLimiting;
using ImageCaptioning.Web.Problems;
using ImageCaptioning.Web.Configuration;
using Microsoft.Extensions.Options;

namespace ImageCaptioning.Web.Queue;

/// <summary>
/// The bounded queue in front of captioning: at most <see cref="Concurrency"/> captions run at once, up to
/// <see cref="QueueLimit"/> more wait in arrival order, and any beyond that get 503 with Retry-After straight away.
/// A request takes its place only after its body has been read and checked (by the API),
/// so a slow upload costs a connection, never a caption slot, and <see cref="IsSaturated"/> reflects model work only.
/// </summary>
public sealed class CaptionQueue : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;
    private readonly LatencyTracker _latency;
    private long _refused;

    public CaptionQueue(IOptions<WebOptions> options, LatencyTracker latency)
    {
        Concurrency = options.Value.EffectiveConcurrency;
        QueueLimit = options.Value.QueueLimit;
        _latency = latency;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Concurrency,
            QueueLimit = QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>Captions that may run at once.</summary>
    public int Concurrency { get; }

    /// <summary>Captions that may wait for a slot.</summary>
    public int QueueLimit { get; }

    /// <summary>Captions running now.</summary>
    public int Running => Concurrency - (int)(_limiter.GetStatistics()?.CurrentAvailablePermits ?? Concurrency);

    /// <summary>Captions waiting for a slot now.</summary>
    public int Waiting => (int)(_limiter.GetStatistics()?.CurrentQueuedCount ?? 0);

    /// <summary>Running plus waiting.</summary>
    public int Pending => Running + Waiting;

    /// <summary>True when every slot is busy and the queue is full: the next caption request would get 503.</summary>
    public bool IsSaturated => Running >= Concurrency && Waiting >= QueueLimit;

    /// <summary>Requests refused with 503 since start because the slots and the queue were full (a metric reads it).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Waits for a caption slot; dispose the lease when the caption is done.</summary>
    /// <exception cref="WebRequestException">503 with Retry-After when the slots and the queue are full.</exception>
    public async ValueTask<IDisposable> AcquireAsync(CancellationToken ct)
    {
        RateLimitLease lease = await _limiter.AcquireAsync(1, ct);
        if (lease.IsAcquired)
            return lease;
        lease.Dispose();
        Interlocked.Increment(ref _refused);
        int retryAfter = _latency.RetryAfterSeconds(QueueLimit, Concurrency);
        throw new WebRequestException(StatusCodes.Status503ServiceUnavailable, ApiErrorCode.Busy,
            $"The server is busy: {Concurrency} caption(s) are running and {QueueLimit} are waiting. Try again in {retryAfter} s.")
        {
            RetryAfterSeconds = retryAfter,
        };
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>Registers the queue, its latency tracker and the decode memory budget.</summary>
public static class CaptionQueueRegistration
{
    public static IServiceCollection AddCaptionQueue(this IServiceCollection services)
    {
        services.AddSingleton<LatencyTracker>();
        services.AddSingleton<DecodeMemoryBudget>();
        services.AddSingleton<CaptionQueue>();
        services.AddSingleton<CaptionBatcher>();
        return services;
    }
}
