using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ImageCaptioning.Web.Telemetry;

/// <summary>
/// OpenTelemetry for the web app: the caption instruments and ASP.NET Core's and the runtime's metrics, scraped by
/// Prometheus at <see cref="PrometheusPath"/>; when an <c>OTEL_EXPORTER_OTLP_*ENDPOINT</c> variable names a collector, the
/// metrics and request traces are also pushed over OTLP (every other setting from the standard <c>OTEL_*</c> variables).
/// </summary>
public static class TelemetrySetup
{
    public const string PrometheusPath = "/metrics";
    public const string DefaultServiceName = "imagecaptioning-web";

    private static readonly string[] OtlpEndpointKeys =
        ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"];

    public static IServiceCollection AddCaptionTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<CaptionMetrics>();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // The default resource already reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; this names the service otherwise.
                if (string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"]))
                    resource.AddService(DefaultServiceName);
            })
            .WithMetrics(metrics => metrics
                .AddMeter(CaptionMetrics.MeterName)
                .AddAspNetCoreInstrumentation() // http.server.request.duration, Kestrel, rate limiting
                .AddMeter("System.Runtime")      // GC, thread pool, CPU time: built into .NET
                .AddPrometheusExporter());
        // Without a configured endpoint the OTLP exporter would retry localhost:4317 forever, and traces would go nowhere.
        if (OtlpEndpointKeys.Any(key => !string.IsNullOrWhiteSpace(configuration[key])))
        {
            telemetry
                .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation(options => options.Filter = context =>
                    !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments(PrometheusPath)))
                .UseOtlpExporter();
        }
        return services;
    }

    public static IEndpointRouteBuilder MapCaptionTelemetry(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint(PrometheusPath).DisableHttpMetrics();
        return app;
    }
}
