using ImageCaptioning.Web.Queue;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImageCaptioning.Web.Health;

/// <summary>
/// Unhealthy while every caption slot is busy and the queue is full (<see cref="CaptionQueue.IsSaturated"/>), i.e. the
/// next request would be refused with 503: a load balancer should send it to another replica meanwhile. Uploads still
/// arriving hold no slot, so a slow client never makes this replica look busy.
/// </summary>
public sealed class CaptionQueueHealthCheck(CaptionQueue queue) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        string state = $"{queue.Running} of {queue.Concurrency} caption slot(s) running, {queue.Waiting} of {queue.QueueLimit} waiting.";
        return Task.FromResult(queue.IsSaturated
            ? HealthCheckResult.Unhealthy("The caption queue is full: " + state)
            : HealthCheckResult.Healthy(state));
    }
}
