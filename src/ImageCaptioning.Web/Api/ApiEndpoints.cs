using System.Globalization;
using ImageCaptioning.Imaging;
using ImageCaptioning.Web.Configuration;
using ImageCaptioning.Web.Examples;
using ImageCaptioning.Web.Flagging;
using ImageCaptioning.Web.Hosting;
using ImageCaptioning.Web.Problems;
using ImageCaptioning.Web.Queue;
using ImageCaptioning.Web.Security;
using ImageCaptioning.Web.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ImageCaptioning.Web.Api;

/// <summary>
/// The JSON API under <c>/api</c>, all in one place: each route, its handler and the shapes it answers with.
/// Refusals raised below a handler (bad image, full queue, no model…) are thrown and answered once by
/// <see cref="ApiExceptionMiddleware"/> as problem details; each route lists those statuses with <c>ProducesProblem</c>.
/// </summary>
public static class ApiEndpoints
{
    public static IEndpointRouteBuilder MapCaptioningApi(this IEndpointRouteBuilder app)
    {
        // The tag the document had when the handlers were lambdas (it names the app, not this class).
        var api = app.MapGroup("/api").WithTags("ImageCaptioning.Web");

        api.MapPost("/caption", CaptionAsync)
            .WithCaptionMetrics()
            .WithName("Caption")
            .WithSummary("Captions an image: the best caption, the n-best alternatives with scores, each word's attention map over the model's grid (side × side rows), and timings.")
            .WithDescription("Send the image as multipart/form-data (file field 'image') or as the raw body (Content-Type image/* or " +
                             "application/octet-stream). Options: beamWidth, maxLength, nBest (form fields or query parameters). " +
                             "Errors are problem details (application/problem+json) with a code in 'error': 400 empty, not an image, damaged or a " +
                             "malformed body; 403 from another site's page; 408 body too slow; 413 too many bytes, pixels or decode memory; " +
                             "415 unsupported format or content type; 503 with Retry-After when the queue is full or no model is loaded.")
            .AddOpenApiOperationTransformer(OpenApiUpload.DescribeCaptionRequest)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status408RequestTimeout)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/health", Health)
            .WithName("Health")
            .WithSummary("Whether the model is loaded: 200 when ready, 503 while loading or when no trained decoder is found (the detail says where it looked).")
            .Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/model", Model)
            .WithName("Model")
            .WithSummary("The loaded model: encoder, decoder sizes, vocabulary size and the quality measured in its model card.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/examples", Examples)
            .WithName("Examples")
            .WithSummary("The example gallery, in order: id, title, credit and source of each image, the words its caption should name, " +
                         "whether it lies outside the training data, and whether it is the random Flickr8k test photo (listed only when Flickr8k is configured).");

        api.MapGet("/examples/{id}", ExampleImageFile)
            .WithName("ExampleImage")
            .WithSummary("One example image, by the id listed in /api/examples; the random test photo is another test image on every request " +
                         "(its file name in Content-Disposition).")
            .Produces(StatusCodes.Status200OK, null, "image/jpeg", "image/png", "image/gif", "image/bmp", "image/webp")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/examples/" + Flickr8kTestPhotos.ExampleId + "/{image}/references", ReferencesOfTestPhoto)
            .WithName("TestPhotoReferences")
            .WithSummary("The captions people wrote for a Flickr8k test photo the random example served (by its file name), to compare with the model's.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/flag", FlagAsync)
            .RequireRateLimiting(FlagRateLimit.PolicyName)
            .WithName("Flag")
            .WithSummary("Saves an image with its caption, options and an optional reason to the flagging folder (a CSV log plus the image).")
            .WithDescription("Errors are problem details (application/problem+json) with a code in 'error': 400 bad image, option or body; " +
                             "403 from another site's page; 408 body too slow; 413 too large; 429 with Retry-After when this client flags too often; " +
                             "507 when the flag folder's quota is used up.")
            .AddOpenApiOperationTransformer(OpenApiUpload.DescribeFlagRequest)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status408RequestTimeout)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status507InsufficientStorage);
        return app;
    }

    /// <summary><c>POST /api/caption</c>: multipart (file field <c>image</c>) or the raw image as the body; options as form fields or query.</summary>
    private static async Task<Ok<CaptionResponse>> CaptionAsync(HttpRequest request, CaptionerHost host, IOptions<WebOptions> settings,
        CaptionBatcher batcher, CancellationToken ct)
    {
        var options = settings.Value;
        SameOriginGuard.Require(request, options.AllowedOrigins);
        var captioner = host.Require(); // 503 at once while no model is loaded, before reading an upload for nothing
        // The whole body is read and checked before a caption slot is taken: a slow upload holds a connection, not a slot.
        var upload = await ImageUploadReader.ReadAsync(request, options.MaxUploadBytes, TimeSpan.FromSeconds(options.BodyTimeoutSeconds), ct);
        var decoding = CaptionQuery.Parse(request.Query, upload.Fields, options, captioner.Model.DecodingDefaults);
        // Size, format and pixel count come from the header: a 50000×50000 PNG is refused here, before decoding.
        var image = ValidatedImage.FromBytes(upload.Bytes, options.ImageLimits, "the uploaded image");

        var (result, elapsed) = await batcher.CaptionAsync(captioner, image, decoding, ct);   // alone, or with others waiting
        return TypedResults.Ok(CaptionResponse.From(result, captioner.Model, decoding, elapsed.TotalMilliseconds));
    }

    /// <summary><c>GET /api/health</c>: 200 only when captions can be made, so a readiness probe can use it as is.</summary>
    private static Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>> Health(CaptionerHost host, IOptions<WebOptions> options, CaptionQueue queue)
    {
        var body = new HealthResponse(host.State.ToString().ToLowerInvariant(), host.Message, host.ModelFolder,
            RequestLimits.From(options.Value), queue.Pending, queue.Running, queue.IsSaturated);
        return host.State == ModelState.Ready
            ? TypedResults.Ok(body)
            : TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary><c>GET /api/model</c>; without a model, <see cref="CaptionerHost.Require"/> answers 503 with the reason.</summary>
    private static Ok<ModelInfo> Model(CaptionerHost host)
    {
        host.Require();
        return TypedResults.Ok(host.Info!);
    }

    private static Ok<IReadOnlyList<ExampleImage>> Examples(ExampleCatalog catalog) => TypedResults.Ok(catalog.All);

    /// <summary><c>GET /api/examples/{id}</c>: one image, by id only (a path never comes from the client).</summary>
    private static Results<PhysicalFileHttpResult, ProblemHttpResult> ExampleImageFile(string id, ExampleCatalog catalog, HttpResponse response)
    {
        if (id == Flickr8kTestPhotos.ExampleId && catalog.TestPhotos is null)
            return ApiProblem.Create(StatusCodes.Status404NotFound, new ApiError(ApiErrorCode.NotFound,
                "The random test photo needs the Flickr8k data: start the demo with IMAGECAPTIONING_FLICKR8K_DIR (or --flickr8k-dir) set to the Flickr8k folder."));
        if (catalog.Find(id) is not { } example)
            return ApiProblem.Create(StatusCodes.Status404NotFound, new ApiError(ApiErrorCode.NotFound, "There is no example with that id."));
        if (example.Random && catalog.TestPhotos is { } photos)
        {
            var (name, path) = photos.Next();
            response.Headers.CacheControl = "no-store"; // another photo next time
            response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { Inline = true, FileName = name }.ToString();
            return TypedResults.PhysicalFile(path, example.ContentType, enableRangeProcessing: false);
        }
        return TypedResults.PhysicalFile(example.FilePath!, example.ContentType, enableRangeProcessing: false);
    }

    /// <summary><c>GET /api/examples/flickr8k-test/{image}/references</c>: a dictionary lookup, so only test-split names answer.</summary>
    private static Results<Ok<TestPhotoReferences>, ProblemHttpResult> ReferencesOfTestPhoto(string image, ExampleCatalog catalog) =>
        catalog.TestPhotos?.References(image) is { } references
            ? TypedResults.Ok(new TestPhotoReferences(image, references))
            : ApiProblem.Create(StatusCodes.Status404NotFound, new ApiError(ApiErrorCode.NotFound, "There is no Flickr8k test photo of that name."));

    /// <summary><c>POST /api/flag</c>: the image (file), <c>caption</c>, <c>beamWidth</c>, <c>maxLength</c> and an optional <c>reason</c>.</summary>
    private static async Task<Created<FlagReceipt>> FlagAsync(HttpRequest request, FlagStore store, IOptions<WebOptions> settings, CancellationToken ct)
    {
        var options = settings.Value;
        SameOriginGuard.Require(request, options.AllowedOrigins);
        var upload = await ImageUploadReader.ReadAsync(request, options.MaxUploadBytes, TimeSpan.FromSeconds(options.BodyTimeoutSeconds), ct);
        var example = new FlaggedExample(
            upload.Bytes,
            upload.Fields.GetValueOrDefault("caption") ?? "",
            OptionalInt(upload.Fields, CaptionQuery.BeamWidth.Name, options.MaxBeamWidth),
            OptionalInt(upload.Fields, CaptionQuery.MaxLength.Name, options.MaxCaptionLength),
            upload.Fields.GetValueOrDefault("reason"));
        var receipt = await store.SaveAsync(example, ct);
        return TypedResults.Created((string?)null, receipt);
    }

    /// <summary>An optional whole-number field within 1..<paramref name="max"/> (the same range the caption API accepts).</summary>
    private static int? OptionalInt(IReadOnlyDictionary<string, string> fields, string name, int max)
    {
        if (!fields.TryGetValue(name, out var text) || string.IsNullOrWhiteSpace(text))
            return null;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            throw new WebRequestException(StatusCodes.Status400BadRequest, ApiErrorCode.InvalidOption, $"'{name}' must be a whole number.");
        if (value < 1 || value > max)
            throw new WebRequestException(StatusCodes.Status400BadRequest, ApiErrorCode.InvalidOption,
                $"'{name}' must be between 1 and {max} (is {value}).");
        return value;
    }
}
