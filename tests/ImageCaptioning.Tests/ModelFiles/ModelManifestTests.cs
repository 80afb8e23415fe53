using ImageCaptioning.Captioning;
using ImageCaptioning.Configuration;
using ImageCaptioning.ModelFiles;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.ModelFiles;

public class ModelManifestTests
{
    [Fact]
    public void TheCheckoutManifestListsTheEncoderAndClassNames()
    {
        var manifest = ModelManifest.Load(TestData.Paths with { RepositoryRoot = TestData.RepositoryRoot() });
        var encoder = manifest.Get("mobilenetv2-12-int8.onnx");
        Assert.Equal("83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f", encoder.Sha256);
        Assert.Equal(3_655_640, encoder.Size);
        Assert.NotEmpty(encoder.Urls);
        var classes = manifest.Get("imagenet_classes.txt");
        Assert.Equal(64, classes.Sha256.Length);
        // Pinned to a commit, never a branch whose file could change under the hash.
        Assert.All(classes.Urls, url => Assert.Matches("/[0-9a-f]{40}/", url));
    }

    [Fact]
    public void EveryFileTheShippedDecoderLoadsIsListedWithTheCheckoutsHashAndSize()
    {
        var manifest = ModelManifest.Load(TestData.Paths with { RepositoryRoot = TestData.RepositoryRoot() });
        string folder = Path.Combine(TestData.RepositoryRoot(), "models", Captioner.DefaultModelName);
        // Every file of the folder but the free-text ones (the card, the training record), whatever number of decoders it has.
        string[] shipped = [.. Directory.GetFiles(folder).Select(Path.GetFileName).OfType<string>()
            .Where(name => name is not (DecoderModel.ModelCardFileName or "training.json")).Order(StringComparer.Ordinal)];
        Assert.Contains(DecoderModel.WeightsFileName, shipped);
        foreach (string name in shipped)
        {
            var entry = manifest.Get($"{Captioner.DefaultModelName}/{name}");
            byte[] bytes = File.ReadAllBytes(Path.Combine(folder, name));
            string actual = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
            Assert.True(entry.Sha256 == actual && entry.Size == bytes.Length,
                $"models/manifest.json is out of date for {entry.Name}: it says {entry.Sha256} ({entry.Size} bytes), the file is {actual} ({bytes.Length} bytes).");
        }
        // No entry for a file the folder no longer has: ModelStore takes a folder only when every entry is there, so a
        // stale decoder-3 entry would make it pass over a complete shipped copy.
        string prefix = Captioner.DefaultModelName + "/";
        Assert.Equal(shipped, manifest.Files.Where(f => f.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(f => f.Name[prefix.Length..]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheEmbeddedCopyMatchesTheCheckoutManifest()
    {
        var fromCheckout = ModelManifest.Load(TestData.Paths with { RepositoryRoot = TestData.RepositoryRoot() });
        var embedded = ModelManifest.Load(new CaptioningPaths(null, null, Path.GetTempPath(), null, Path.GetTempPath()));
        Assert.Equal(fromCheckout.Files.Select(f => (f.Name, f.Sha256, f.Size)), embedded.Files.Select(f => (f.Name, f.Sha256, f.Size)));
    }

    [Fact]
    public void EntriesWithoutAFullHashAreRejected()
    {
        const string json = """{ "files": [ { "name": "a.onnx", "sha256": "abc", "size": 1, "urls": [] } ] }""";
        Assert.Throws<InvalidDataException>(() => ModelManifest.Parse(json));
    }

    [Fact]
    public async Task RealModelFilesInTheConfiguredFolderPassTheirHashCheck()
    {
        string dir = TestData.ModelsDirectory();
        var paths = TestData.Paths with { ModelSourceDirectory = dir, ModelCacheDirectory = Path.Combine(Path.GetTempPath(), $"unused-cache-{Guid.NewGuid():N}") };
        var store = new ModelStore(paths, new HttpClient(new NoNetwork()));
        foreach (string name in new[] { "mobilenetv2-12-int8.onnx", "imagenet_classes.txt" })
            Assert.Equal(Path.Combine(dir, name), await store.ResolveAsync(name, ct: TestContext.Current.CancellationToken));
    }

    private sealed class NoNetwork : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("tests never touch the network");
    }
}
