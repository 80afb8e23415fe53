using ImageCaptioning.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ImageCaptioning.Web.Tests.Browser;

/// <summary>
/// The real app on Kestrel at a free loopback port (a browser needs a socket, not TestServer) and Debian's
/// headless Chromium driven by Playwright — never a browser Playwright downloads. Without Chromium or the
/// encoder the tests skip, or fail when IMAGECAPTIONING_REQUIRE_DATA=1 (CI installs Chromium).
/// </summary>
public class BrowserFixture : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly TemporaryFolder _root = new("web-browser");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CaptionAppFactory? _factory;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public Uri BaseAddress { get; private set; } = null!;

    public string FlagFolder => Path.Combine(_root.Path, "flagged");

    public async Task<IBrowser> BrowserAsync()
    {
        TestData.ModelsDirectory();
        RequireChromium();
        await _gate.WaitAsync();
        try
        {
            if (_browser is null)
            {
                string? model = PrepareModel(_root.Path);
                _factory = new CaptionAppFactory(new Dictionary<string, string?>
                {
                    [CaptionAppFactory.Key("ModelFolder")] = model,
                    [CaptionAppFactory.Key("FlagFolder")] = FlagFolder,
                    // Test requests share one client address; the per-client flag limit has its own test.
                    [CaptionAppFactory.Key("FlagRequestsPerMinute")] = "10000",
                    [CaptionAppFactory.Key("ExamplesFolder")] = null,
                });
                BaseAddress = await _factory.StartOnLoopbackAsync();

                _playwright = await Playwright.CreateAsync();
                _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
                {
                    ExecutablePath = ChromiumPath,
                    Headless = true,
                    // No sandbox as root; no background connections (this machine has no network and would refuse them).
                    Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                            "--disable-sync", "--no-first-run", "--disable-quic"],
                });
            }
            return _browser;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The decoder model folder the app serves: a test decoder written under <paramref name="root"/>; null = the shipped model.</summary>
    protected virtual string? PrepareModel(string root)
    {
        string model = Path.Combine(root, "model");
        TestModelFolder.Write(model);
        return model;
    }

    private static void RequireChromium()
    {
        if (File.Exists(ChromiumPath))
            return;
        string reason = $"Debian's Chromium is not installed at {ChromiumPath} (apt-get install chromium; .ci/run installs it).";
        if (TestData.DataRequired)
            throw new InvalidOperationException(reason);
        Assert.Skip(reason);
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_factory is not null)
            await _factory.DisposeAsync();
        _root.Dispose();
    }
}
