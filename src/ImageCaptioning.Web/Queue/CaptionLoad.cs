namespace ImageCaptioning.Web.Queue;

/// <summary>
/// Caption requests that have arrived and not finished: running plus waiting in the queue. The rate limiter
/// does not expose its queue, so this count (reported by <c>/api/health</c>) is how an operator — or a test —
/// sees how busy the server is.
/// </summary>
public sealed class CaptionLoad
{
    private int _pending;

    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Counts POST /api/caption requests around the rest of the pipeline (the queue included).</summary>
    public static async Task TrackAsync(HttpContext context, RequestDelegate next)
    {
        if (!(HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals("/api/caption", StringComparison.OrdinalIgnoreCase)))
        {
            await next(context);
            return;
        }
        var load = context.RequestServices.GetRequiredService<CaptionLoad>();
        Interlocked.Increment(ref load._pending);
        try { await next(context); }
        finally { Interlocked.Decrement(ref load._pending); }
    }
}
