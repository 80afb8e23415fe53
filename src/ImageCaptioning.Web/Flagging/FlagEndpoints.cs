using System.Globalization;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Configuration;
using ImageCaptioning.Web.Security;
using Microsoft.Extensions.Options;

namespace ImageCaptioning.Web.Flagging;

/// <summary>
/// <c>POST /api/flag</c>: multipart form with the image (file), <c>caption</c>, <c>beamWidth</c>, <c>maxLength</c> and an
/// optional <c>reason</c>. Limited per client (<see cref="FlagRateLimit"/>) and by the folder's quota.
/// </summary>
public static class FlagEndpoints
{
    public static IEndpointRouteBuilder MapFlagApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/flag", async (HttpRequest request, FlagStore store, IOptions<WebOptions> settings, CancellationToken ct) =>
            {
                var options = settings.Value;
                SameOriginGuard.Require(request, options.AllowedOrigins);
                var upload = await ImageUploadReader.ReadAsync(request, options.MaxUploadBytes, TimeSpan.FromSeconds(options.BodyTimeoutSeconds), ct);
                var example = new FlaggedExample(
                    upload.Bytes,
                    upload.Fields.GetValueOrDefault("caption") ?? "",
                    OptionalInt(upload.Fields, CaptionQuery.BeamWidth, options.MaxBeamWidth),
                    OptionalInt(upload.Fields, CaptionQuery.MaxLength, options.MaxCaptionLength),
                    upload.Fields.GetValueOrDefault("reason"));
                var receipt = await store.SaveAsync(example, ct);
                return Results.Json(receipt, statusCode: StatusCodes.Status201Created);
            })
            .RequireRateLimiting(FlagRateLimit.PolicyName)
            .WithName("Flag")
            .WithSummary("Saves an image with its caption, options and an optional reason to the flagging folder (a CSV log plus the image).")
            .WithDescription("Errors are problem details (application/problem+json) with a code in 'error': 400 bad image, option or body; " +
                             "403 from another site's page; 408 body too slow; 413 too large; 429 with Retry-After when this client flags too often; " +
                             "507 when the flag folder's quota is used up.")
            .AddOpenApiOperationTransformer(OpenApiUpload.DescribeFlagRequest)
            .Produces<FlagReceipt>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status408RequestTimeout)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status507InsufficientStorage);
        return app;
    }

    /// <summary>An optional whole-number field within 1..<paramref name="max"/> (the same range the caption API accepts).</summary>
    private static int? OptionalInt(IReadOnlyDictionary<string, string> fields, string name, int max)
    {
        if (!fields.TryGetValue(name, out var text) || string.IsNullOrWhiteSpace(text))
            return null;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            throw new WebRequestException(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidOption, $"'{name}' must be a whole number.");
        if (value < 1 || value > max)
            throw new WebRequestException(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidOption,
                $"'{name}' must be between 1 and {max} (is {value}).");
        return value;
    }
}
