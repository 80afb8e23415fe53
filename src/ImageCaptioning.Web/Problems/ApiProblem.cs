using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImageCaptioning.Web.Problems;

/// <summary>
/// Writes an API error as RFC 9457 problem details (<c>application/problem+json</c>): <c>type</c>, <c>title</c>,
/// <c>status</c>, <c>detail</c> (one readable sentence) and the extension member <c>error</c> (the stable code of
/// <see cref="ApiErrorCode"/>), so a client reading <c>{error, detail}</c> keeps working. Never a stack trace.
/// </summary>
public static class ApiProblem
{
    public const string ContentType = "application/problem+json";

    public static Task WriteAsync(HttpContext context, int status, ApiError error, int? retryAfterSeconds = null)
    {
        if (retryAfterSeconds is { } seconds)
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Create(status, error).ExecuteAsync(context);
    }

    /// <summary>The problem result for <paramref name="error"/> (type and title filled in from the status).</summary>
    public static ProblemHttpResult Create(int status, ApiError error) =>
        TypedResults.Problem(detail: error.Detail, statusCode: status, type: TypeFor(status),
            extensions: new Dictionary<string, object?> { ["error"] = error.Error });

    /// <summary>The defining RFC section for statuses ASP.NET Core has no default type for; null lets it fill in its own.</summary>
    private static string? TypeFor(int status) => status switch
    {
        StatusCodes.Status429TooManyRequests => "https://www.rfc-editor.org/rfc/rfc6585#section-4",
        StatusCodes.Status507InsufficientStorage => "https://www.rfc-editor.org/rfc/rfc4918#section-11.5",
        _ => null,
    };
}
