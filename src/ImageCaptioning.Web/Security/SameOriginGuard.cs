using ImageCaptioning.Web.Api;

namespace ImageCaptioning.Web.Security;

/// <summary>
/// Refuses a browser request sent from another site. A multipart POST is a "simple" request that any
/// web page can make to http://127.0.0.1:5000, so without this check a page elsewhere could make a
/// visitor's browser write files into the flag folder. Non-browser clients (curl) send no Origin and pass;
/// the opaque origin "null" (sandboxed frames, file: pages) does not.
/// </summary>
public static class SameOriginGuard
{
    public static void Require(HttpRequest request)
    {
        string? origin = request.Headers.Origin;
        if (string.IsNullOrEmpty(origin))
            return;
        if (Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase))
            return;
        throw new WebRequestException(StatusCodes.Status403Forbidden, ApiErrorCodes.Forbidden,
            "Requests from another site are not accepted here.");
    }
}
