namespace ImageCaptioning.Web.Problems;

/// <summary>
/// What every error the API returns says: a stable machine-readable code and one readable sentence, sent as
/// the <c>error</c> and <c>detail</c> members of problem details (<see cref="ApiProblem"/>). Never a stack trace.
/// </summary>
/// <param name="Error">Short code, e.g. <c>not_an_image</c> (see <see cref="ApiErrorCodes"/>).</param>
/// <param name="Detail">One sentence for a person.</param>
public sealed record ApiError(string Error, string Detail);

/// <summary>The codes <see cref="ApiError.Error"/> takes.</summary>
public static class ApiErrorCodes
{
    public const string Empty = "empty";
    public const string NotAnImage = "not_an_image";
    public const string Corrupt = "corrupt";
    public const string TooLarge = "too_large";
    public const string UnsupportedFormat = "unsupported_format";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string InvalidOption = "invalid_option";
    public const string BadRequest = "bad_request";
    public const string NotFound = "not_found";
    public const string Forbidden = "forbidden";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string Busy = "busy";
    public const string Timeout = "timeout";
    public const string UnknownHost = "unknown_host";
    public const string RateLimited = "rate_limited";
    public const string StorageFull = "storage_full";
    public const string ModelLoading = "model_loading";
    public const string ModelUnavailable = "model_unavailable";
    public const string Internal = "internal";
}
