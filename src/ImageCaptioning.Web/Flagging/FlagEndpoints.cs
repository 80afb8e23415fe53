using System.Globalization;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Configuration;
using ImageCaptioning.Web.Security;
using Microsoft.Extensions.Options;

namespace ImageCaptioning.Web.Flagging;

/// <summary><c>POST /api/flag</c>: multipart form with the image (file), <c>caption</c>, <c>beamWidth</c>, <c>maxLength</c> and an optional <c>reason</c>.</summary>
public static class FlagEndpoints
{
    public static IEndpointRouteBuilder MapFlagApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/flag", async (HttpRequest request, FlagStore store, IOptions<WebOptions> options, CancellationToken ct) =>
            {
                SameOriginGuard.Require(request);
                var upload = await ImageUploadReader.ReadAsync(request, options.Value.MaxUploadBytes, ct);
                var example = new FlaggedExample(
                    upload.Bytes,
                    upload.Fields.GetValueOrDefault("caption") ?? "",
                    OptionalInt(upload.Fields, CaptionQuery.BeamWidth),
                    OptionalInt(upload.Fields, CaptionQuery.MaxLength),
                    upload.Fields.GetValueOrDefault("reason"));
                var receipt = await store.SaveAsync(example, ct);
                return Results.Json(receipt, statusCode: StatusCodes.Status201Created);
            })
            .WithName("Flag")
            .WithSummary("Saves an image with its caption, options and an optional reason to the flagging folder (a CSV log plus the image).")
            .AddOpenApiOperationTransformer(OpenApiUpload.DescribeFlagRequest)
            .Produces<FlagReceipt>(StatusCodes.Status201Created)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status403Forbidden)
            .Produces<ApiError>(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    private static int? OptionalInt(IReadOnlyDictionary<string, string> fields, string name)
    {
        if (!fields.TryGetValue(name, out var text) || string.IsNullOrWhiteSpace(text))
            return null;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new WebRequestException(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidOption, $"'{name}' must be a whole number.");
    }
}
