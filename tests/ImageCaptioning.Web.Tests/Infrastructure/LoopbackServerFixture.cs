
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
                BaseAddress = await _factory.StartOnLoopbackAsync();
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
