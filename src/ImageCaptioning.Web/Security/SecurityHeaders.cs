namespace ImageCaptioning.Web.Security;

/// <summary>
/// Headers on every response that keep the page from running anything but its own files: a strict
/// Content-Security-Policy (no inline script or style, no other origin), no MIME sniffing, no framing,
/// no referrer.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>Everything from this origin only; images may also be data: and blob: URLs (the preview and the attention canvas).</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data: blob:; script-src 'self'; style-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly object PolicyOverrideKey = new();

    /// <summary>Sends <paramref name="policy"/> instead of the page's policy on this response (the API reference's nonce).</summary>
    public static void OverridePolicy(HttpContext context, string policy) => context.Items[PolicyOverrideKey] = policy;

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Set when the response starts, so error handlers that clear the response cannot drop them.
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = context.Items[PolicyOverrideKey] as string ?? ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        return next(context);
    });
}
