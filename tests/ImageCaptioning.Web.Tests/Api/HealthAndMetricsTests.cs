using System.Globalization;
using System.Net;
using System.Text.Json;
using ImageCaptioning.Web.Health;
using ImageCaptioning.Web.Queue;
using ImageCaptioning.Web.Telemetry;
using ImageCaptioning.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>
/// The probes and the metrics under load: with the one slot and the queue taken (by captions whose uploads have
/// arrived), /health/ready answers 503 and the refusals, the queue depth and the captions show in the Prometheus
/// scrape; /health/live stays 200 throughout.
/// </summary>
public sealed class HealthAndMetricsTests(SmallQueueFixture fixture) : IClassFixture<SmallQueueFixture>
{
    private const int Capacity = SmallQueueFixture.Concurrency + SmallQueueFixture.QueueLimit;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ready_is_503_while_the_queue_is_full_and_refusals_queue_depth_and_captions_are_measured()
    {
        var client = await fixture.ClientAsync();
        using (var ready = await client.GetAsync(HealthEndpoints.ReadyPath, Ct))
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        double rejectedBefore = Sum(await ScrapeAsync(client), "imagecaptioning_requests_rejected_total");
        byte[] image = TestImages.Jpeg();

        // Take the one slot directly (as a long caption would), then queue real requests behind it until the queue is full.
        var queue = fixture.Factory.Services.GetRequiredService<CaptionQueue>();
        var slot = await queue.AcquireAsync(Ct);
        List<Task<HttpResponseMessage>> held;
        try
        {
            held = Enumerable.Range(0, SmallQueueFixture.QueueLimit)
                .Select(_ => client.PostAsync("/api/caption", Requests.Raw(image, "image/jpeg"), Ct))
                .ToList();
            var (status, body) = await WaitForReadyAsync(client, HttpStatusCode.ServiceUnavailable);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Contains("The caption queue is full", body);
            using (var live = await client.GetAsync(HealthEndpoints.LivePath, Ct))
                Assert.Equal(HttpStatusCode.OK, live.StatusCode);

            using (var refused = await client.PostAsync("/api/caption", Requests.Raw(image, "image/jpeg"), Ct))
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            string metrics = await ScrapeAsync(client);
            Assert.Equal(Capacity, Sum(metrics, "imagecaptioning_queue_depth"));
            Assert.True(Sum(metrics, "imagecaptioning_requests_rejected_total") >= rejectedBefore + 1, metrics);
        }
        finally
        {
            slot.Dispose();
        }
        foreach (var response in await Task.WhenAll(held))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        Assert.Equal(HttpStatusCode.OK, (await WaitForReadyAsync(client, HttpStatusCode.OK)).Status);
        string after = await ScrapeAsync(client);
        Assert.True(Sum(after, "imagecaptioning_captions_total", "http_response_status_code=\"200\"") >= SmallQueueFixture.QueueLimit, after);
        Assert.True(Sum(after, "imagecaptioning_caption_duration_seconds_count") >= SmallQueueFixture.QueueLimit + 1, after);
        Assert.Contains("imagecaptioning_caption_duration_seconds_bucket{", after);
        Assert.Contains("http_server_request_duration_seconds", after); // ASP.NET Core's own instruments come along
    }

    private static async Task<(HttpStatusCode Status, string Body)> WaitForReadyAsync(HttpClient client, HttpStatusCode wanted)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await client.GetAsync(HealthEndpoints.ReadyPath, Ct);
            string body = await response.Content.ReadAsStringAsync(Ct);
            if (response.StatusCode == wanted || DateTime.UtcNow > deadline)
                return (response.StatusCode, body);
            await Task.Delay(20, Ct);
        }
    }

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        await Task.Delay(350, Ct); // the exporter may answer from a scrape it cached a moment ago
        using var response = await client.GetAsync(TelemetrySetup.PrometheusPath, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    /// <summary>The sum of a metric's samples in Prometheus text format, optionally only those whose labels contain <paramref name="label"/>.</summary>
    private static double Sum(string exposition, string metric, string? label = null) => exposition
        .Split('\n')
        .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal))
        .Where(line => label is null || line.Contains(label, StringComparison.Ordinal))
        .Sum(line => double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture));
}
