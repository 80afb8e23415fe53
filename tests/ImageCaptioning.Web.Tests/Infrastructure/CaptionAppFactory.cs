using ImageCaptioning.Web.Configuration;
using ImageCaptioning.Web.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
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

    /// <summary>Starts the app on real Kestrel at a free loopback port, waits for the model to load, and returns its address.</summary>
    public async Task<Uri> StartOnLoopbackAsync()
    {
        UseKestrel(0); // port 0: the OS picks a free one
        StartServer();
        await Host.WhenLoaded.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(Host.State == ModelState.Ready, $"The test model did not load: {Host.Message}");
        string address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var baseAddress = new Uri(address.Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1") + "/");
        Assert.True(baseAddress.IsLoopback, $"the test server must listen on loopback, not {address}");
        return baseAddress;
    }
}
