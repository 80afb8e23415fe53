using System.Globalization;
using System.Threading.RateLimiting;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Configuration;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ImageCaptioning.Web.Queue;

/// <summary>
/// The bounded request queue in front of captioning (Gradio's queue, with ASP.NET Core's rate limiter):
/// at most <see cref="WebOptions.EffectiveConcurrency"/> captions run at once, up to
/// <see cref="WebOptions.QueueLimit"/> more wait in arrival order, and any beyond that get 503 with
/// Retry-After and a JSON body straight away.
/// </summary>
public static class CaptionQueue
{
    public const string PolicyName = "caption-queue";

    public static IServiceCollection AddCaptionQueue(this IServiceCollection services)
    {
        services.AddSingleton<LatencyTracker>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            // One partition for everyone: the limit protects the CPU, not fairness between clients.
            limiter.AddPolicy(PolicyName, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value;
                return RateLimitPartition.GetConcurrencyLimiter("captioning", _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = options.EffectiveConcurrency,
                    QueueLimit = options.QueueLimit,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                });
            });
            limiter.OnRejected = async (rejected, ct) =>
            {
                var http = rejected.HttpContext;
                var options = http.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value;
                int retryAfter = http.RequestServices.GetRequiredService<LatencyTracker>()
                    .RetryAfterSeconds(options.QueueLimit, options.EffectiveConcurrency);
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await http.Response.WriteAsJsonAsync(new ApiError(ApiErrorCodes.Busy,
                    $"The server is busy: {options.EffectiveConcurrency} caption(s) are running and {options.QueueLimit} are waiting. " +
                    $"Try again in {retryAfter} s."), ct);
            };
        });
        return services;
    }
}
