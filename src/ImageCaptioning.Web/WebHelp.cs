using ImageCaptioning.Configuration;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Configuration;
using ImageCaptioning.Web.Health;
using ImageCaptioning.Web.Telemetry;

namespace ImageCaptioning.Web;

/// <summary>What <c>--help</c> prints: how to start the demo, its switches and variables, and where it answers.</summary>
public static class WebHelp
{
    private static readonly string[] HelpSwitches = ["--help", "-h", "-?", "/?"];

    /// <summary>True when the arguments ask for help (then the server is not started).</summary>
    public static bool IsRequested(IEnumerable<string> args) => args.Any(arg => HelpSwitches.Contains(arg, StringComparer.OrdinalIgnoreCase));

    public static string Text
    {
        get
        {
            var switches = WebConfiguration.SwitchMappings
                .Select(pair => $"  {pair.Key,-20} {pair.Value}");
            return string.Join(Environment.NewLine,
            [
                "ImageCaptioning.Web: the image captioning demo page and JSON API.",
                "",
                "Usage: ImageCaptioning.Web [--urls <url;…>] [switches] [--ImageCaptioning:<Setting>=<value>…]",
                "",
                "Where it listens (first one set wins): --urls / ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS / ASPNETCORE_HTTPS_PORTS,",
                $"the Kestrel:Endpoints section; with none of them {WebOptions.DefaultUrl} (loopback only).",
                "Host names it answers to: --AllowedHosts \"localhost;demo.example.org\" (default: loopback names only; * = any).",
                "",
                "Switches (each sets the configuration key beside it; appsettings.json has them all with defaults):",
                .. switches,
                "",
                "Environment variables:",
                $"  {WebConfiguration.ModelVariable,-32} decoder model folder (default models/{WebOptions.DefaultModelName})",
                $"  {CaptioningPaths.ModelsDirVariable,-32} a folder that already holds the encoder files",
                $"  {CaptioningPaths.ModelCacheVariable,-32} where downloaded and derived model files go",
                $"  {WebConfiguration.ExamplesVariable,-32} an extra folder of example photos",
                $"  {CaptioningPaths.Flickr8kDirVariable,-32} the Flickr8k folder: the gallery offers a random test photo",
                $"  {WebConfiguration.FlagVariable,-32} where flagged examples are written",
                $"  {"ImageCaptioning__<Setting>",-32} any setting, e.g. ImageCaptioning__QueueLimit=16",
                $"  {"OTEL_EXPORTER_OTLP_ENDPOINT",-32} push metrics and traces over OTLP (and the other standard OTEL_* variables)",
                "",
                "Endpoints: / (page), POST /api/caption, /api/health, /api/model, /openapi/v1.json,",
                $"{ApiReference.Path} (API reference), {HealthEndpoints.LivePath}, {HealthEndpoints.ReadyPath}, {TelemetrySetup.PrometheusPath} (Prometheus).",
            ]);
        }
    }
}
