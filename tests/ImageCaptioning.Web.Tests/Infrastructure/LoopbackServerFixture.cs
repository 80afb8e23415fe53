using ImageCaptioning.Web.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ImageCaptioning.Web.Tests.Infrastructure;

/// <summary>
/// The real app on Kestrel at a free loopback port (raw-socket clients need a socket, not TestServer), with a
/// random test decoder and temp folders. Derived fixtures change the settings.
/// </summary>
public class LoopbackServerFixture : IAsyncDisposable
{
    private readonly TemporaryFolder _root = new("web-loopback");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CaptionAppFactory? _factory;

    public Uri BaseAddress { get; private set; } = null!;

    public string FlagFolder => Path.Combine(_root.Path, "flagged");

    public CaptionAppFactory Factory => _factory ?? throw new InvalidOperationException("Call StartAsync first.");

    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => [];

    /// <summary>Starts the server once (skips or fails the test when the encoder is missing) and returns its address.</summary>
    public async Task<Uri> StartAsync()
    {
        TestData.ModelsDirectory();
        await _gate.WaitAsync();
        try
        {
            if (_factory is null)
            {
                string model = Path.Combine(_root.Path, "model");
                TestModelFolder.Write(model);
                var settings = new Dictionary<string, string?>
                {
                    [CaptionAppFactory.Key("ModelFolder")] = model,
                    [CaptionAppFactory.Key("FlagFolder")] = FlagFolder,
                    [CaptionAppFactory.Key("ExamplesFolder")] = null,
                };
                foreach (var (key, value) in ExtraSettings())
                    settings[key] = value;
                _factory = new CaptionAppFactory(settings);
                _factory.UseKestrel(0); // port 0: the OS picks a free one
                _factory.StartServer();
                await _factory.Host.WhenLoaded.WaitAsync(TimeSpan.FromMinutes(2));
                Assert.True(_factory.Host.State == ModelState.Ready, $"The test model did not load: {_factory.Host.Message}");
                string address = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1") + "/");
                Assert.True(BaseAddress.IsLoopback, $"the test server must listen on loopback, not {address}");
            }
            return BaseAddress;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
            await _factory.DisposeAsync();
        _root.Dispose();
        GC.SuppressFinalize(this);
    }
}
