using ImageCaptioning.Web.Hosting;

namespace ImageCaptioning.Web.Tests.Infrastructure;

/// <summary>
/// One app for a test class, with a random test decoder and fresh temp folders for flags and user examples.
/// Created on first use (after <see cref="TestData.ModelsDirectory"/> has decided skip or fail), shared by the class.
/// </summary>
public class ApiFixture : IAsyncDisposable
{
    private readonly TemporaryFolder _root = new("web-tests");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CaptionAppFactory? _factory;
    private HttpClient? _client;

    public string ModelFolder => Path.Combine(_root.Path, "model");
    public string FlagFolder => Path.Combine(_root.Path, "flagged");
    public string ExamplesFolder => Path.Combine(_root.Path, "examples");

    /// <summary>Settings on top of the defaults; derived fixtures change the limits.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => [];

    public CaptionAppFactory Factory => _factory ?? throw new InvalidOperationException("Call ClientAsync first.");

    /// <summary>The client of a running app whose model is ready (skips or fails the test when the encoder is missing).</summary>
    public async Task<HttpClient> ClientAsync()
    {
        TestData.ModelsDirectory();
        await _gate.WaitAsync();
        try
        {
            if (_client is null)
            {
                TestModelFolder.Write(ModelFolder);
                Directory.CreateDirectory(ExamplesFolder);
                var settings = new Dictionary<string, string?>
                {
                    [CaptionAppFactory.Key("ModelFolder")] = ModelFolder,
                    [CaptionAppFactory.Key("FlagFolder")] = FlagFolder,
                    // Test requests share one client address; the per-client flag limit has its own test.
                    [CaptionAppFactory.Key("FlagRequestsPerMinute")] = "10000",
                    [CaptionAppFactory.Key("ExamplesFolder")] = ExamplesFolder,
                };
                foreach (var (key, value) in ExtraSettings())
                    settings[key] = value;
                PrepareExamples(ExamplesFolder);
                _factory = new CaptionAppFactory(settings);
                _client = await _factory.StartAsync();
                Assert.True(_factory.Host.State == ModelState.Ready, $"The test model did not load: {_factory.Host.Message}");
            }
            return _client;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Puts files in the user examples folder before the app scans it.</summary>
    protected virtual void PrepareExamples(string folder) { }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_factory is not null)
            await _factory.DisposeAsync();
        _root.Dispose();
        GC.SuppressFinalize(this);
    }
}
