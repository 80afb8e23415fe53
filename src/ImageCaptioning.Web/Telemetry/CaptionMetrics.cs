using System.Diagnostics;
using System.Diagnostics.Metrics;
using ImageCaptioning.Web.Queue;

namespace ImageCaptioning.Web.Telemetry;

/// <summary>
/// The captioning service's own instruments on the <see cref="MeterName"/> meter (exported by OpenTelemetry, see
/// <see cref="TelemetrySetup"/>): captions made, caption request duration (upload and queue wait included), captions
/// running or waiting for a slot, and requests refused because the queue was full.
/// </summary>
public sealed class CaptionMetrics
{
    public const string MeterName = "ImageCaptioning.Web";

    /// <summary>Captions running or waiting for a slot: what the autoscaler (deploy/k8s/hpa.yaml) reads, as imagecaptioning_queue_depth in Prometheus.</summary>
    public const string QueueDepthInstrument = "imagecaptioning.queue.depth";

    private readonly Counter<long> _captions;
    private readonly Histogram<double> _duration;

    public CaptionMetrics(IMeterFactory meterFactory, CaptionQueue queue)
    {
        var meter = meterFactory.Create(MeterName);
        _captions = meter.CreateCounter<long>("imagecaptioning.captions", "{caption}",
            "Caption requests answered, by HTTP status code (200 = a caption was made).");
        _duration = meter.CreateHistogram("imagecaptioning.caption.duration", "s",
            "Time from a caption request's arrival to its response, upload and queue wait included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        // The queue counts its own refusals; observing them keeps the queue free of any telemetry dependency.
        meter.CreateObservableCounter("imagecaptioning.requests.rejected", () => queue.Refused, "{request}",
            "Caption requests refused with 503 because every slot was busy and the queue was full.");
        meter.CreateObservableUpDownCounter(QueueDepthInstrument, () => queue.Pending, "{request}",
            "Captions running or waiting for a slot (uploads still arriving hold no slot and are not counted).");
    }

    /// <summary>One caption request finished with <paramref name="statusCode"/> after <paramref name="elapsed"/>.</summary>
    public void RecordRequest(int statusCode, TimeSpan elapsed)
    {
        var status = new KeyValuePair<string, object?>("http.response.status_code", statusCode);
        _captions.Add(1, status);
        _duration.Record(elapsed.TotalSeconds, status);
    }
}

/// <summary>Hooks <see cref="CaptionMetrics"/> onto the caption endpoint.</summary>
public static class CaptionMetricsEndpointExtensions
{
    /// <summary>Records each request's status and duration once its response is complete, also when the error handler further out wrote it.</summary>
    public static RouteHandlerBuilder WithCaptionMetrics(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var metrics = http.RequestServices.GetRequiredService<CaptionMetrics>();
            long start = Stopwatch.GetTimestamp();
            http.Response.OnCompleted(() =>
            {
                metrics.RecordRequest(http.Response.StatusCode, Stopwatch.GetElapsedTime(start));
                return Task.CompletedTask;
            });
            return await next(context);
        });
}
