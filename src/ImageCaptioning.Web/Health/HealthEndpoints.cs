using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImageCaptioning.Web.Health;

/// <summary>
/// Kubernetes-style probes on ASP.NET Core health checks: <c>/health/live</c> runs no check (200 while the process
/// serves, also while the model loads, so a liveness probe never kills a loading pod) and <c>/health/ready</c> runs
/// the "ready" checks (503 until the model is loaded, and while the caption queue is full).
/// </summary>
public static class HealthEndpoints
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    private const string ReadyTag = "ready";

    public static IServiceCollection AddCaptionHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<ModelLoadedHealthCheck>("model", tags: [ReadyTag])
            .AddCheck<CaptionQueueHealthCheck>("queue", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapCaptionHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJsonAsync })
            .DisableHttpMetrics(); // probes every few seconds would drown the request metrics
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteJsonAsync })
            .DisableHttpMetrics();
        return app;
    }

    /// <summary><c>{"status":"Unhealthy","checks":{"model":{"status":"Unhealthy","description":"…"}}}</c>: the reason, not just a word.</summary>
    private static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(entry => entry.Key, entry => new { status = entry.Value.Status.ToString(), description = entry.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }
}
