using Microsoft.AspNetCore.Diagnostics;

namespace ImageCaptioning.Web.Problems;

/// <summary>
/// Gives the bodiless answers of routing (404 unknown path, 405 wrong method) under <c>/api/</c> the same
/// problem details as every other API error. Pages outside /api/ keep the plain status.
/// </summary>
public static class ApiStatusPages
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        if (!http.Request.Path.StartsWithSegments("/api"))
            return Task.CompletedTask;
        int status = http.Response.StatusCode;
        var error = status switch
        {
            StatusCodes.Status404NotFound => new ApiError(ApiErrorCode.NotFound, "There is no such API endpoint; the OpenAPI document at /openapi/v1.json lists them."),
            StatusCodes.Status405MethodNotAllowed => new ApiError(ApiErrorCode.MethodNotAllowed, $"{http.Request.Method} is not allowed on {http.Request.Path}."),
            _ => new ApiError(ApiErrorCode.BadRequest, $"The request failed with status {status}."),
        };
        return ApiProblem.WriteAsync(http, status, error);
    }
}
