using ImageCaptioning.Web.Configuration;
using ImageCaptioning.Web.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageCaptioning.Web.Tests.Infrastructure;

/// <summary>
/// The real app (Program) in memory, with its settings overridden: model folder, flag folder, examples
/// folder and any limit a test needs. <see cref="StartAsync"/> waits until the model has loaded.
/// </summary>
public sealed class CaptionAppFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    public static string Key(string property) => $"{WebOptions.SectionName}:{property}";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Runs after Program's own configuration, so these win over appsettings.json and the environment.
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(settings));
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        if (ReplaceServices is { } replace)
            builder.ConfigureTestServices(replace);
    }

    /// <summary>Replaces services after the app's own registrations (e.g. the model paths).</summary>
    public Action<IServiceCollection>? ReplaceServices { get; init; }

    /// <summary>Everything the app logged, so a test can check what one bad request costs in the log.</summary>
    public LogCollector Logs { get; } = new();

    public CaptionerHost Host => Services.GetRequiredService<CaptionerHost>();

    /// <summary>Starts the app and waits (at most 2 minutes) for the model to finish loading, whatever the outcome.</summary>
    public async Task<HttpClient> StartAsync()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://127.0.0.1"), AllowAutoRedirect = false });
        await Host.WhenLoaded.WaitAsync(TimeSpan.FromMinutes(2));
        return client;
    }
}
