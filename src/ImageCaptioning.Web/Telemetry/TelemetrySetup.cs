using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ImageCaptioning.Web.Telemetry;

/// <summary>
/// OpenTelemetry for the web app: the caption instruments, ASP.NET Core's and the runtime's metrics, and request traces.
/// They are scraped by Prometheus at <see cref="PrometheusPath"/>, and pushed over OTLP when an <c>OTEL_EXPORTER_OTLP_*ENDPOINT</c>
/// variable names a collector (every other setting comes from the standard <c>OTEL_*</c> variables too).
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
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation(options =>
                options.Filter = context => !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments(PrometheusPath)));
        // Without a configured endpoint the OTLP exporter would retry localhost:4317 forever.
        if (OtlpEndpointKeys.Any(key => !string.IsNullOrWhiteSpace(configuration[key])))
            telemetry.UseOtlpExporter();
        return services;
    }

    public static IEndpointRouteBuilder MapCaptionTelemetry(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint(PrometheusPath).DisableHttpMetrics();
        return app;
    }
}
