using ImageCaptioning.Web.Security;
using Scalar.AspNetCore;

namespace ImageCaptioning.Web.Api;

/// <summary>
/// The interactive API reference (Scalar) at <c>/scalar</c>, over the OpenAPI document at <c>/openapi/v1.json</c>.
/// Scalar's JavaScript is embedded in its package and served from this origin (no CDN). Its page starts with one
/// inline module script, so that page alone gets a per-request nonce in script-src, and inline styles (Scalar injects its
/// theme as &lt;style&gt; elements; a style cannot run script); every other response keeps the strict policy.
/// </summary>
public static class ApiReference
{
    public const string Path = "/scalar";

    /// <summary>The page's policy with Scalar's nonce added to script-src and inline styles allowed.</summary>
    public static string PolicyWithNonce(string nonce) => SecurityHeaders.ContentSecurityPolicy
        .Replace("script-src 'self'", $"script-src 'self' 'nonce-{nonce}'", StringComparison.Ordinal)
        .Replace("style-src 'self'", "style-src 'self' 'unsafe-inline'", StringComparison.Ordinal);

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        app.MapScalarApiReference(Path, options => options
                .WithTitle("Image captioning API")
                .WithNonce() // a fresh nonce per request, stored in HttpContext.Items
                .DisableDefaultFonts() // the default fonts come from Scalar's CDN
                .DisableAgent()
                .DisableTelemetry())
            .AddEndpointFilter(async (context, next) =>
            {
                var http = context.HttpContext;
                http.Response.OnStarting(() =>
                {
                    if (http.Items[ScalarOptions.NonceHttpContextItemKey] is string nonce)
                        SecurityHeaders.OverridePolicy(http, PolicyWithNonce(nonce));
                    return Task.CompletedTask;
                });
                return await next(context);
            });
        return app;
    }
}
