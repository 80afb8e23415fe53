using ImageCaptioning.Web.Problems;

namespace ImageCaptioning.Web.Security;

/// <summary>
/// Refuses a browser POST sent from another site. A multipart POST is a "simple" request that any web page can
/// make to http://127.0.0.1:5000, so without this check a page elsewhere could make a visitor's browser write
/// files into the flag folder or spend this server's CPU on captions. Non-browser clients (curl) send no Origin
/// and pass; the opaque origin "null" (sandboxed frames, file: pages) does not. The Host compared against is
/// trustworthy because host filtering (<c>AllowedHosts</c>) has already refused unknown hosts (DNS rebinding).
/// Origins listed in <c>ImageCaptioning:AllowedOrigins</c> are accepted too.
/// </summary>
public static class SameOriginGuard
{
    public static void Require(HttpRequest request, IReadOnlyCollection<string> allowedOrigins)
    {
        string? origin = request.Headers.Origin;
        if (string.IsNullOrEmpty(origin))
            return;
        if (Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            if (string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase))
                return;
            foreach (string allowed in allowedOrigins)
                if (Uri.TryCreate(allowed, UriKind.Absolute, out var allowedUri)
                    && Uri.Compare(uri, allowedUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
                    return;
        }
        throw new WebRequestException(StatusCodes.Status403Forbidden, ApiErrorCode.Forbidden,
            "Requests from another site are not accepted here (the server's ImageCaptioning:AllowedOrigins setting lists the sites that may).");
    }
}
