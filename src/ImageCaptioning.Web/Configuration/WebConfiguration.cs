using ImageCaptioning.Configuration;
using Microsoft.AspNetCore.Hosting;

namespace ImageCaptioning.Web.Configuration;

/// <summary>
/// Where the web settings come from, lowest priority first: appsettings.json, <c>ImageCaptioning__*</c>
/// environment variables, the project-wide variables below, then the command line (long form
/// <c>--ImageCaptioning:MaxUploadBytes=…</c> or the short switches below).
/// </summary>
public static class WebConfiguration
{
    /// <summary>Decoder model folder.</summary>
    public const string ModelVariable = "IMAGECAPTIONING_MODEL";
    /// <summary>An extra folder of example images for the gallery.</summary>
    public const string ExamplesVariable = "IMAGECAPTIONING_EXAMPLES_DIR";
    /// <summary>Where flagged examples are written.</summary>
    public const string FlagVariable = "IMAGECAPTIONING_FLAG_DIR";

    private static readonly Dictionary<string, string> Variables = new()
    {
        [ModelVariable] = Key(nameof(WebOptions.ModelFolder)),
        [ExamplesVariable] = Key(nameof(WebOptions.ExamplesFolder)),
        [FlagVariable] = Key(nameof(WebOptions.FlagFolder)),
        [CaptioningPaths.Flickr8kDirVariable] = Key(nameof(WebOptions.Flickr8kFolder)),
    };

    /// <summary>Short command-line switches, e.g. <c>--model models/run7 --concurrency 2</c>.</summary>
    public static IReadOnlyDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>
    {
        ["--model"] = Key(nameof(WebOptions.ModelFolder)),
        ["--examples-dir"] = Key(nameof(WebOptions.ExamplesFolder)),
        ["--flag-dir"] = Key(nameof(WebOptions.FlagFolder)),
        ["--flickr8k-dir"] = Key(nameof(WebOptions.Flickr8kFolder)),
        ["--max-upload-bytes"] = Key(nameof(WebOptions.MaxUploadBytes)),
        ["--max-pixels"] = Key(nameof(WebOptions.MaxPixels)),
        ["--concurrency"] = Key(nameof(WebOptions.ConcurrencyLimit)),
        ["--queue"] = Key(nameof(WebOptions.QueueLimit)),
        ["--max-batch"] = Key(nameof(WebOptions.MaxBatch)),
        ["--encoder-threads"] = Key(nameof(WebOptions.EncoderThreads)),
    };

    /// <summary>Adds the project variables and the short switches, and binds to loopback unless an address was given.</summary>
    public static void Apply(WebApplicationBuilder builder, string[] args)
    {
        var fromVariables = new Dictionary<string, string?>();
        foreach (var (variable, key) in Variables)
        {
            string? value = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrWhiteSpace(value))
                fromVariables[key] = value;
        }
        builder.Configuration.AddInMemoryCollection(fromVariables);
        // Added again after the variables so that the command line wins over them.
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>(SwitchMappings));

        // ASP.NET Core would listen on localhost:5000 (IPv4 and IPv6); the demo binds to the IPv4 loopback unless an
        // address is configured: --urls / ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS / HTTPS_PORTS (containers), or Kestrel:Endpoints.
        if (!HasConfiguredAddress(builder.Configuration))
            builder.WebHost.UseUrls(WebOptions.DefaultUrl);
    }

    /// <summary>Whether the configuration names where to listen, in any of the ways ASP.NET Core reads.</summary>
    public static bool HasConfiguredAddress(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[WebHostDefaults.ServerUrlsKey])
        || !string.IsNullOrWhiteSpace(configuration[WebHostDefaults.HttpPortsKey])
        || !string.IsNullOrWhiteSpace(configuration[WebHostDefaults.HttpsPortsKey])
        || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();

    private static string Key(string property) => $"{WebOptions.SectionName}:{property}";
}
