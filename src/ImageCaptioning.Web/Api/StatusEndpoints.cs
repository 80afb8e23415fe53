using ImageCaptioning.Web.Queue;
using ImageCaptioning.Web.Configuration;
using ImageCaptioning.Web.Hosting;
using Microsoft.Extensions.Options;

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

/// <summary><c>GET /api/health</c> and <c>GET /api/model</c>.</summary>
public static class StatusEndpoints
{
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", (CaptionerHost host, IOptions<WebOptions> options, CaptionQueue queue) =>
            {
                var body = new HealthResponse(host.State.ToString().ToLowerInvariant(), host.Message, host.ModelFolder,
                    RequestLimits.From(options.Value), queue.Pending, queue.Running, queue.IsSaturated);
                // 200 only when captions can be made, so a readiness probe can use it as is.
                return Results.Json(body, statusCode: host.State == ModelState.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
            })
            .WithName("Health")
            .WithSummary("Whether the model is loaded: 200 when ready, 503 while loading or when no trained decoder is found (the detail says where it looked).")
            .Produces<HealthResponse>()
            .Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable);

        app.MapGet("/api/model", (CaptionerHost host) =>
            {
                host.Require(); // 503 with the reason when there is no model
                return Results.Ok(host.Info);
            })
            .WithName("Model")
            .WithSummary("The loaded model: encoder, decoder sizes, vocabulary size and the quality measured in its model card.")
            .Produces<ModelInfo>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }
}
