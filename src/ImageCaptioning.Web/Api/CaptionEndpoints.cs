using System.Diagnostics;
using ImageCaptioning.Captioning;
using ImageCaptioning.Imaging;
using ImageCaptioning.Web.Configuration;
using ImageCaptioning.Web.Hosting;
using ImageCaptioning.Web.Queue;
using ImageCaptioning.Web.Security;
using ImageCaptioning.Web.Telemetry;
using Microsoft.Extensions.Options;

namespace ImageCaptioning.Web.Api;

/// <summary>
/// <c>POST /api/caption</c>: a multipart form (file field <c>image</c>) or the raw image as the body;
/// options <c>beamWidth</c>, <c>maxLength</c>, <c>nBest</c> as form fields or query parameters.
/// The body is read (with a deadline) before the request joins the bounded queue (<see cref="CaptionQueue"/>).
/// </summary>
public static class CaptionEndpoints
{
    public static IEndpointRouteBuilder MapCaptionApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/caption", async (HttpRequest request, CaptionerHost host, IOptions<WebOptions> settings,
                CaptionQueue queue, DecodeMemoryBudget decodeMemory, LatencyTracker latency, CancellationToken ct) =>
            {
                var options = settings.Value;
                SameOriginGuard.Require(request, options.AllowedOrigins);
                host.Require(); // 503 at once while no model is loaded, before reading an upload for nothing
                // The whole body is read and checked before a caption slot is taken: a slow upload holds a connection, not a slot.
                var upload = await ImageUploadReader.ReadAsync(request, options.MaxUploadBytes, TimeSpan.FromSeconds(options.BodyTimeoutSeconds), ct);
                var decoding = CaptionQuery.Parse(request.Query, upload.Fields, options);
                // Size, format and pixel count come from the header: a 50000×50000 PNG is refused here, before decoding.
                var image = ValidatedImage.FromBytes(upload.Bytes, options.ImageLimits, "the uploaded image");

                using var slot = await queue.AcquireAsync(ct);
                long start = Stopwatch.GetTimestamp();
                var captioner = host.Require();
                CaptionResult result;
                using (await decodeMemory.ReserveAsync(image, ct))
                    result = captioner.Caption(image, decoding);
                var elapsed = Stopwatch.GetElapsedTime(start);
                latency.Record(elapsed);
                return Results.Ok(CaptionResponse.From(result, captioner.Model, decoding, elapsed.TotalMilliseconds));
            })
            .WithCaptionMetrics()
            .WithName("Caption")
            .WithSummary("Captions an image: the best caption, the n-best alternatives with scores, each word's 7×7 attention map, and timings.")
            .WithDescription("Send the image as multipart/form-data (file field 'image') or as the raw body (Content-Type image/* or " +
                             "application/octet-stream). Options: beamWidth, maxLength, nBest (form fields or query parameters). " +
                             "Errors are problem details (application/problem+json) with a code in 'error': 400 empty, not an image, damaged or a " +
                             "malformed body; 403 from another site's page; 408 body too slow; 413 too many bytes, pixels or decode memory; " +
                             "415 unsupported format or content type; 503 with Retry-After when the queue is full or no model is loaded.")
            .AddOpenApiOperationTransformer(OpenApiUpload.DescribeCaptionRequest)
            .Produces<CaptionResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status408RequestTimeout)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }
}
