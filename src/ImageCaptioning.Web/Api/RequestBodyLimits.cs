using ImageCaptioning.Web.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ImageCaptioning.Web.Api;

/// <summary>
/// Kestrel's own limits for request bodies, from the web settings: the largest body (an upload plus multipart
/// overhead) and the minimum data rate, so a client trickling bytes is dropped after a short grace period.
/// </summary>
public static class RequestBodyLimits
{
    /// <summary>How long a body may arrive below the minimum rate before Kestrel drops it (Kestrel's own default).</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddRequestBodyLimits(this IServiceCollection services)
    {
        // Read from the configuration, not IOptions<WebOptions>: Kestrel is built before the app starts, and an invalid setting
        // must be reported by the options validation at start (one readable line), not thrown from here.
        services.AddOptions<KestrelServerOptions>().Configure<IConfiguration>((kestrel, configuration) =>
        {
            var options = configuration.GetSection(WebOptions.SectionName).Get<WebOptions>() ?? new WebOptions();
            if (options.Problem() is not null)
                return;
            kestrel.Limits.MaxRequestBodySize = options.MaxUploadBytes + ImageUploadReader.MultipartOverheadBytes;
            kestrel.Limits.MinRequestBodyDataRate = options.MinBodyBytesPerSecond > 0
                ? new MinDataRate(options.MinBodyBytesPerSecond, GracePeriod)
                : null;
        });
        return services;
    }
}
