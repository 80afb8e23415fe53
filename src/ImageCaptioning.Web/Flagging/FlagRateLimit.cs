using System.Globalization;
using System.Threading.RateLimiting;
using ImageCaptioning.Web.Problems;
using ImageCaptioning.Web.Configuration;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ImageCaptioning.Web.Flagging;

/// <summary>
/// Flags per client: a token bucket per remote IP address holding <see cref="WebOptions.FlagRequestsPerMinute"/>
/// tokens, refilled evenly over the minute; an empty bucket answers 429 with Retry-After (no queue: a flood is refused, not parked).
/// A refusal is logged at Debug only, so a flood cannot flood the log too.
/// </summary>
public static class FlagRateLimit
{
    public const string PolicyName = "flag-per-client";

    public static IServiceCollection AddFlagRateLimit(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(PolicyName, context =>
            {
                int perMinute = context.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value.FlagRequestsPerMinute;
                string client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perMinute,
                    TokensPerPeriod = 1,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1.0 / perMinute),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (rejected, ct) =>
            {
                var http = rejected.HttpContext;
                int retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan wait)
                    ? (int)Math.Max(1, Math.Ceiling(wait.TotalSeconds))
                    : 60;
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FlagRateLimit))
                    .LogDebug("Request {Method} {Path} refused with 429: client {Client} flags too often", http.Request.Method, http.Request.Path,
                        http.Connection.RemoteIpAddress);
                http.Response.Headers.Connection = "close"; // the body was not read
                await ApiProblem.WriteAsync(http, StatusCodes.Status429TooManyRequests, new ApiError(ApiErrorCode.RateLimited,
                    $"Too many flags from this address; try again in {retryAfter.ToString(CultureInfo.InvariantCulture)} s."), retryAfter);
            };
        });
        return services;
    }
}
