using ImageCaptioning.Errors;

namespace ImageCaptioning.Web.Problems;

/// <summary>A request the API refuses for a reason of its own (wrong content type, bad option, unknown id…).</summary>
public sealed class WebRequestException(int statusCode, ApiErrorCode error, string message) : ImageCaptioningException(message)
{
    /// <summary>The HTTP status to answer with.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>The <see cref="ApiError.Error"/> code.</summary>
    public ApiErrorCode Error { get; } = error;

    /// <summary>Seconds the client should wait before retrying (sent as Retry-After), if any.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>The request body could not be read to its end (malformed, truncated, too slow): the connection is closed after the answer.</summary>
    public bool BodyUnreadable { get; init; }
}
