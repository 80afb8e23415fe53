using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageCaptioning.Web.Problems;

/// <summary>
/// What every error the API returns says: a stable machine-readable code and one readable sentence, sent as
/// the <c>error</c> and <c>detail</c> members of problem details (<see cref="ApiProblem"/>). Never a stack trace.
/// </summary>
/// <param name="Error">The code, written snake_case: <see cref="ApiErrorCode.NotAnImage"/> is <c>not_an_image</c>.</param>
/// <param name="Detail">One sentence for a person.</param>
public sealed record ApiError(ApiErrorCode Error, string Detail);

/// <summary>The codes <see cref="ApiError.Error"/> takes; clients compare the snake_case names, so a name never changes.</summary>
[JsonConverter(typeof(ApiErrorCodeConverter))]
public enum ApiErrorCode
{
    // the upload
    Empty, NotAnImage, Corrupt, TooLarge, UnsupportedFormat, UnsupportedMediaType,
    // the request
    InvalidOption, BadRequest, NotFound, Forbidden, MethodNotAllowed, UnknownHost, Timeout,
    // the server
    Busy, RateLimited, StorageFull, ModelLoading, ModelUnavailable, Internal,
}

/// <summary>Writes and reads <see cref="ApiErrorCode"/> by its snake_case name (never as a number).</summary>
internal sealed class ApiErrorCodeConverter() : JsonStringEnumConverter<ApiErrorCode>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false);
