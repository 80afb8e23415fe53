using ImageCaptioning.Web.Queue;
using ImageCaptioning.Web.Configuration;
using ImageCaptioning.Web.Hosting;
using Microsoft.Extensions.Options;

namespace ImageCaptioning.Web.Api;

/// <summary>Whether the model can caption: <c>{status, detail, modelFolder, limits}</c>.</summary>
/// <param name="Status"><c>ready</c>, <c>loading</c> or <c>unavailable</c>.</param>
/// <param name="Detail">One sentence, e.g. "No trained decoder found at '…'".</param>
/// <param name="Limits">What a caption request may send.</param>
public sealed record HealthResponse(string Status, string Detail, string ModelFolder, RequestLimits Limits, int CaptionsPending);

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
        app.MapGet("/api/health", (CaptionerHost host, IOptions<WebOptions> options, CaptionLoad load) =>
            {
                var body = new HealthResponse(host.State.ToString().ToLowerInvariant(), host.Message, host.ModelFolder,
                    RequestLimits.From(options.Value), load.Pending);
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
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }
}
