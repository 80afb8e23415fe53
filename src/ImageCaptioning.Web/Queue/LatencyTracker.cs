namespace ImageCaptioning.Web.Queue;

/// <summary>
/// A running average of how long one caption takes, so a refused client can be told when to come back
/// (Retry-After) from what the server actually measures rather than a fixed guess.
/// </summary>
public sealed class LatencyTracker
{
    private const double Smoothing = 0.1; // exponential moving average: recent requests weigh most
    private readonly Lock _lock = new();
    private double _averageMs = 100; // a plausible start before the first measurement

    public double AverageMilliseconds
    {
        get { lock (_lock) return _averageMs; }
    }

    public void Record(TimeSpan elapsed)
    {
        lock (_lock)
            _averageMs += Smoothing * (elapsed.TotalMilliseconds - _averageMs);
    }

    /// <summary>Seconds until a full queue of <paramref name="queued"/> requests drains over <paramref name="concurrency"/> slots (1 to 60).</summary>
    public int RetryAfterSeconds(int queued, int concurrency)
    {
        double seconds = AverageMilliseconds * Math.Max(1, queued) / Math.Max(1, concurrency) / 1000.0;
        return (int)Math.Clamp(Math.Ceiling(seconds), 1, 60);
    }
}
