using ImageCaptioning.Web.Configuration;

namespace ImageCaptioning.Web.Api;

/// <summary>Whether the model can caption: <c>{status, detail, modelFolder, limits}</c>.</summary>
/// <param name="Status"><c>ready</c>, <c>loading</c> or <c>unavailable</c>.</param>
/// <param name="Detail">One sentence, e.g. "No trained decoder found at '…'".</param>
/// <param name="Limits">What a caption request may send.</param>
/// <param name="CaptionsPending">Captions running or waiting for a slot (uploads still arriving hold no slot and are not counted).</param>
/// <param name="CaptionsRunning">Captions running now (at most the concurrency limit).</param>
/// <param name="QueueSaturated">True when every slot is busy and the queue is full: a caption request now would get 503.</param>
public sealed record HealthResponse(string Status, string Detail, string ModelFolder, RequestLimits Limits, int CaptionsPending,
    int CaptionsRunning = 0, bool QueueSaturated = false);

/// <summary>The request limits, so a client (the page) can tell the user before uploading.</summary>
public sealed record RequestLimits(long MaxUploadBytes, long MaxPixels, int MaxBeamWidth, int MaxCaptionLength)
{
    public static RequestLimits From(WebOptions options) =>
        new(options.MaxUploadBytes, options.MaxPixels, options.MaxBeamWidth, options.MaxCaptionLength);
}
