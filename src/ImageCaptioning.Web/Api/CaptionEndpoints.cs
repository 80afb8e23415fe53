using System.Diagnostics;
using ImageCaptioning.Imaging;
using ImageCaptioning.Web.Configuration;
using ImageCaptioning.Web.Hosting;
using ImageCaptioning.Web.Queue;
using Microsoft.Extensions.Options;

namespace ImageCaptioning.Web.Api;

/// <summary>
/// <c>POST /api/caption</c>: a multipart form (file field <c>image</c>) or the raw image as the body;
/// options <c>beamWidth</c>, <c>maxLength</c>, <c>nBest</c> as form fields or query parameters.
/// Runs behind the bounded queue (<see cref="CaptionQueue"/>).
/// </summary>
public static class CaptionEndpoints
{
    public static IEndpointRouteBuilder MapCaptionApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/caption", async (HttpRequest request, CaptionerHost host, IOptions<WebOptions> settings,
                LatencyTracker latency, CancellationToken ct) =>
            {
                long start = Stopwatch.GetTimestamp();
                var options = settings.Value;
                var captioner = host.Require();
                var upload = await ImageUploadReader.ReadAsync(request, options.MaxUploadBytes, ct);
                var decoding = CaptionQuery.Parse(request.Query, upload.Fields, options);
                // Size, format and pixel count come from the header: a 50000×50000 PNG is refused here, before decoding.
                var image = ValidatedImage.FromBytes(upload.Bytes, options.ImageLimits, "the uploaded image");
                using var stream = new MemoryStream(image.Bytes, writable: false);
                var result = captioner.Caption(stream, decoding);
                var elapsed = Stopwatch.GetElapsedTime(start);
                latency.Record(elapsed);
                return Results.Ok(CaptionResponse.From(result, captioner.Model, decoding, elapsed.TotalMilliseconds));
            })
            .RequireRateLimiting(CaptionQueue.PolicyName)
            .WithName("Caption")
            .WithSummary("Captions an image: the best caption, the n-best alternatives with scores, each word's 7×7 attention map, and timings.")
            .WithDescription("Send the image as multipart/form-data (file field 'image') or as the raw body (Content-Type image/* or " +
                             "application/octet-stream). Options: beamWidth, maxLength, nBest (form fields or query parameters). " +
                             "Errors are JSON {error, detail}: 400 empty, not an image or damaged; 413 too many bytes or pixels; " +
                             "415 unsupported format or content type; 503 with Retry-After when the queue is full or no model is loaded.")
            .AddOpenApiOperationTransformer(OpenApiUpload.DescribeCaptionRequest)
            .Produces<CaptionResponse>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status413PayloadTooLarge)
            .Produces<ApiError>(StatusCodes.Status415UnsupportedMediaType)
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }
}
