using System.Net;
using ImageCaptioning.Configuration;
using ImageCaptioning.Web.Configuration;
using ImageCaptioning.Web.Health;
using ImageCaptioning.Web.Hosting;
using ImageCaptioning.Web.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>Liveness never depends on the model; readiness does, with the reason in the body.</summary>
public sealed class ProbeTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TemporaryFolder _root = new("web-probes");
    private CaptionAppFactory _factory = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _factory = new CaptionAppFactory(new Dictionary<string, string?>
        {
            [CaptionAppFactory.Key("ModelFolder")] = Path.Combine(_root.Path, "no-model"),
            [CaptionAppFactory.Key("FlagFolder")] = Path.Combine(_root.Path, "flagged"),
            [CaptionAppFactory.Key("ExamplesFolder")] = null,
        });
        _client = await _factory.StartAsync();
    }

    [Fact]
    public async Task Without_a_model_live_is_200_and_ready_is_503_saying_why()
    {
        Assert.Equal(ModelState.Unavailable, _factory.Host.State);
        using var live = await _client.GetAsync(HealthEndpoints.LivePath, Ct);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var ready = await _client.GetAsync(HealthEndpoints.ReadyPath, Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        string body = await ready.Content.ReadAsStringAsync(Ct);
        Assert.Contains("\"model\":{\"status\":\"Unhealthy\"", body);
        Assert.Contains("No trained decoder found at", body);
        Assert.Contains("\"queue\":{\"status\":\"Healthy\"", body);
    }

    [Fact]
    public async Task While_the_model_loads_the_readiness_check_is_unhealthy()
    {
        // A host that has not started loading is in the state every host starts in.
        using var loading = new CaptionerHost(Options.Create(new WebOptions()), CaptioningPaths.FromEnvironment(), NullLogger<CaptionerHost>.Instance);
        Assert.Equal(ModelState.Loading, loading.State);
        var result = await new ModelLoadedHealthCheck(loading).CheckHealthAsync(new HealthCheckContext(), Ct);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("loading", result.Description);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        _root.Dispose();
    }
}
