using System.Net;
using System.Security.Cryptography;
using System.Text;
using ImageCaptioning.Configuration;
using ImageCaptioning.ModelFiles;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.ModelFiles;

/// <summary>Resolution order, hash checks and downloads, with temporary folders and a fake HTTP handler (no network).</summary>
public sealed class ModelStoreTests : IDisposable
{
    private const string FileName = "tiny-model.onnx";
    private const string Url = "https://models.example/tiny-model.onnx";
    private static readonly byte[] Genuine = Encoding.UTF8.GetBytes("the genuine model bytes " + new string('x', 200_000));
    private static readonly byte[] Tampered = Encoding.UTF8.GetBytes("the tampered model bytes " + new string('x', 200_000));

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"model-store-{Guid.NewGuid():N}");
    private readonly string _userDir;
    private readonly string _cacheDir;
    private readonly ModelManifest _manifest = new([new ModelFileEntry(FileName, "test", Sha256(Genuine), Genuine.Length, [Url])]);

    public ModelStoreTests()
    {
        _userDir = Directory.CreateDirectory(Path.Combine(_root, "user")).FullName;
        _cacheDir = Path.Combine(_root, "cache"); // not created: the store must create it
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task TheUsersFolderComesFirst()
    {
        File.WriteAllBytes(Path.Combine(_userDir, FileName), Genuine);
        Directory.CreateDirectory(_cacheDir);
        File.WriteAllBytes(Path.Combine(_cacheDir, FileName), Genuine);
        var http = new FakeHandler(_ => throw new InvalidOperationException("must not download"));

        string path = await Store(http).ResolveAsync(FileName, ct: TestContext.Current.CancellationToken);

        Assert.Equal(Path.Combine(_userDir, FileName), path);
        Assert.Equal(0, http.Requests);
    }

    [Fact]
    public async Task TheCacheIsUsedWhenTheUsersFolderLacksTheFile()
    {
        Directory.CreateDirectory(_cacheDir);
        File.WriteAllBytes(Path.Combine(_cacheDir, FileName), Genuine);
        var http = new FakeHandler(_ => throw new InvalidOperationException("must not download"));

        string path = await Store(http).ResolveAsync(FileName, ct: TestContext.Current.CancellationToken);

        Assert.Equal(Path.Combine(_cacheDir, FileName), path);
    }

    [Fact]
    public async Task AFileWithTheWrongHashInTheUsersFolderIsRefused()
    {
        File.WriteAllBytes(Path.Combine(_userDir, FileName), Tampered);
        var http = new FakeHandler(_ => Ok(Genuine));

        var ex = await Assert.ThrowsAsync<ModelFileException>(() => Store(http).ResolveAsync(FileName, ct: TestContext.Current.CancellationToken));

        Assert.Contains("Refusing", ex.Message);
        Assert.Contains(Sha256(Tampered), ex.Message);
        Assert.Contains(Sha256(Genuine), ex.Message);
        Assert.Equal(0, http.Requests); // refused outright, not silently replaced by a download
        Assert.Equal(Tampered, File.ReadAllBytes(Path.Combine(_userDir, FileName))); // and left untouched
    }

    [Fact]
    public async Task DownloadsIntoTheCacheWithProgressAndThenReusesIt()
    {
        var http = new FakeHandler(_ => Ok(Genuine));
        var progress = new RecordingProgress();
        var store = Store(http, withUserDir: false);

        string path = await store.ResolveAsync(FileName, progress, TestContext.Current.CancellationToken);
        string again = await store.ResolveAsync(FileName, progress, TestContext.Current.CancellationToken);

        Assert.Equal(Path.Combine(_cacheDir, FileName), path);
        Assert.Equal(path, again);
        Assert.Equal(Genuine, File.ReadAllBytes(path));
        Assert.Equal(1, http.Requests);
        Assert.Equal(1.0, progress.Values[^1]);
        Assert.True(progress.Values.Count > 1, "progress is reported while the download runs");
        Assert.Equal(progress.Values.Order(), progress.Values);
        Assert.Single(Directory.GetFiles(_cacheDir)); // no partial file left behind
    }

    [Fact]
    public async Task ADownloadWithTheWrongHashIsRefusedAndNotKept()
    {
        var http = new FakeHandler(_ => Ok(Tampered[..Genuine.Length]));

        var ex = await Assert.ThrowsAsync<ModelFileException>(() => Store(http).ResolveAsync(FileName, ct: TestContext.Current.CancellationToken));

        Assert.Contains("refused", ex.Message);
        Assert.Contains(Sha256(Genuine), ex.Message);
        Assert.Empty(Directory.GetFiles(_cacheDir));
    }

    [Fact]
    public async Task ABrokenCacheEntryIsReplacedByADownload()
    {
        Directory.CreateDirectory(_cacheDir);
        File.WriteAllBytes(Path.Combine(_cacheDir, FileName), Genuine[..1000]); // an interrupted copy
        var http = new FakeHandler(_ => Ok(Genuine));

        string path = await Store(http).ResolveAsync(FileName, ct: TestContext.Current.CancellationToken);

        Assert.Equal(Genuine, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task OfflineAndMissingSaysWhichFileWhichHashAndWhatToSet()
    {
        var http = new FakeHandler(_ => throw new HttpRequestException("Name or service not known (models.example:443)"));

        var ex = await Assert.ThrowsAsync<ModelFileException>(() => Store(http, withUserDir: false).ResolveAsync(FileName, ct: TestContext.Current.CancellationToken));

        Assert.Equal(FileName, ex.FileName);
        Assert.Contains(FileName, ex.Message);
        Assert.Contains(Sha256(Genuine), ex.Message);
        Assert.Contains(CaptioningPaths.ModelsDirVariable, ex.Message);
        Assert.Contains(Url, ex.Message);
        Assert.Contains("Name or service not known", ex.Message);
    }

    [Fact]
    public async Task AServerErrorIsReportedLikeBeingOffline()
    {
        var http = new FakeHandler(_ => new HttpResponseMessage(HttpStatusCode.NotFound));

        var ex = await Assert.ThrowsAsync<ModelFileException>(() => Store(http).ResolveAsync(FileName, ct: TestContext.Current.CancellationToken));

        Assert.Contains("HTTP 404", ex.Message);
        Assert.Contains(CaptioningPaths.ModelsDirVariable, ex.Message);
    }

    [Fact]
    public async Task FilesOutsideTheManifestAreRejected()
    {
        var ex = await Assert.ThrowsAsync<ModelFileException>(() => Store(new FakeHandler(_ => Ok(Genuine))).ResolveAsync("other.onnx", ct: TestContext.Current.CancellationToken));
        Assert.Contains("other.onnx", ex.Message);
        Assert.Contains(FileName, ex.Message); // lists what is known
    }

    [Fact]
    public async Task TheFallbackUrlIsUsedWhenThePrimaryFailsOverRealHttp()
    {
        // A real HTTP server on loopback: the primary answers 404, the mirror serves the file.
        using var server = new LoopbackFileServer(new Dictionary<string, byte[]> { ["/mirror/tiny-model.onnx"] = Genuine });
        var manifest = new ModelManifest([new ModelFileEntry(FileName, "test", Sha256(Genuine), Genuine.Length,
            [server.Url("/primary/tiny-model.onnx"), server.Url("/mirror/tiny-model.onnx")])]);
        var store = new ModelStore(Paths(withUserDir: false), manifest, new HttpClient(), PackagedDir);

        string path = await store.ResolveAsync(FileName, ct: TestContext.Current.CancellationToken);

        Assert.Equal(Path.Combine(_cacheDir, FileName), path);
        Assert.Equal(Genuine, File.ReadAllBytes(path));
        Assert.Equal(["/primary/tiny-model.onnx", "/mirror/tiny-model.onnx"], server.Requests);
    }

    [Fact]
    public async Task AFolderComesFromTheConfiguredFolderBeforeThePackagedCopy()
    {
        WriteFolder(_userDir, DecoderFiles);
        WriteFolder(PackagedDir, DecoderFiles);

        string folder = await FolderStore().ResolveFolderAsync("decoder", ct: TestContext.Current.CancellationToken);

        Assert.Equal(Path.Combine(_userDir, "decoder"), folder);
    }

    [Fact]
    public async Task APackagedFolderIsUsedWithoutACheckoutOrConfiguredFolder()
    {
        WriteFolder(PackagedDir, DecoderFiles);
        WriteFolder(_userDir, new() { ["decoder/a.json"] = DecoderFiles["decoder/a.json"] }); // partial: not this model

        string folder = await FolderStore().ResolveFolderAsync("decoder", ct: TestContext.Current.CancellationToken);

        Assert.Equal(Path.Combine(PackagedDir, "decoder"), folder);
        Assert.Equal(folder, FolderStore().FindFolder("decoder"));
    }

    [Fact]
    public async Task AModifiedPackagedFolderIsRefused()
    {
        WriteFolder(PackagedDir, DecoderFiles);
        File.WriteAllText(Path.Combine(PackagedDir, "decoder", "b.bin"), "modified weights");

        var ex = await Assert.ThrowsAsync<ModelFileException>(() => FolderStore().ResolveFolderAsync("decoder", ct: TestContext.Current.CancellationToken));

        Assert.Contains("Refusing", ex.Message);
        Assert.Contains("models/manifest.json", ex.Message);
    }

    [Fact]
    public async Task AFolderFoundNowhereIsDownloadedIntoTheCache()
    {
        var http = new FakeHandler(request => Ok(DecoderFiles[request.RequestUri!.AbsolutePath.TrimStart('/')]));

        string folder = await FolderStore(http).ResolveFolderAsync("decoder", ct: TestContext.Current.CancellationToken);

        Assert.Equal(Path.Combine(_cacheDir, "decoder"), folder);
        Assert.Equal(DecoderFiles["decoder/b.bin"], File.ReadAllBytes(Path.Combine(folder, "b.bin")));
        Assert.Equal(2, http.Requests);
    }

    [Fact]
    public async Task InspectSaysWhatIsThereWhatIsMissingAndWhatIsWrong()
    {
        WriteFolder(_userDir, new() { ["decoder/a.json"] = DecoderFiles["decoder/a.json"] });
        WriteFolder(_cacheDir, new() { ["decoder/b.bin"] = "not the weights"u8.ToArray() });

        var statuses = await FolderStore().InspectAsync(checkHashes: true, TestContext.Current.CancellationToken);

        var byName = statuses.ToDictionary(s => s.Entry.Name);
        Assert.True(byName["decoder/a.json"].Verified);
        Assert.Equal(ModelLocation.Configured, byName["decoder/a.json"].Location);
        Assert.True(byName["decoder/b.bin"].HashMismatch);
        Assert.Equal(ModelLocation.Cache, byName["decoder/b.bin"].Location);
        Assert.False(byName[FileName].Present);
    }

    private static readonly Dictionary<string, byte[]> DecoderFiles = new()
    {
        ["decoder/a.json"] = """{ "dims": 3 }"""u8.ToArray(),
        ["decoder/b.bin"] = Encoding.UTF8.GetBytes(new string('w', 5000)),
    };

    private string PackagedDir => Path.Combine(_root, "packaged");

    private static void WriteFolder(string root, Dictionary<string, byte[]> files)
    {
        foreach (var (name, bytes) in files)
        {
            string path = Path.Combine(root, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
        }
    }

    private ModelStore FolderStore(FakeHandler? http = null)
    {
        var manifest = new ModelManifest([
            _manifest.Files[0],
            .. DecoderFiles.Select(f => new ModelFileEntry(f.Key, "test", Sha256(f.Value), f.Value.Length, [$"https://models.example/{f.Key}"])),
        ]);
        return new ModelStore(Paths(withUserDir: true), manifest,
            new HttpClient(http ?? new FakeHandler(_ => throw new InvalidOperationException("must not download"))), PackagedDir);
    }

    private CaptioningPaths Paths(bool withUserDir) =>
        new(null, withUserDir ? _userDir : null, _cacheDir, null, Path.Combine(_root, "data"));

    private ModelStore Store(FakeHandler handler, bool withUserDir = true) =>
        new(Paths(withUserDir), _manifest, new HttpClient(handler), PackagedDir);

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static HttpResponseMessage Ok(byte[] body) => new(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };

    private sealed class FakeHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            return Task.FromResult(respond(request));
        }
    }

    /// <summary>Records synchronously (Progress&lt;T&gt; would post to the thread pool and arrive late).</summary>
    private sealed class RecordingProgress : IProgress<double>
    {
        public List<double> Values { get; } = [];
        public void Report(double value) => Values.Add(value);
    }
}
