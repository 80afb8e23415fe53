using ImageCaptioning.Web.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImageCaptioning.Web.Health;

/// <summary>Ready once the captioner has loaded; while loading, or when no model could be loaded, unhealthy with the reason.</summary>
public sealed class ModelLoadedHealthCheck(CaptionerHost host) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(host.State == ModelState.Ready
            ? HealthCheckResult.Healthy(host.Message)
            : HealthCheckResult.Unhealthy(host.Message));
}
