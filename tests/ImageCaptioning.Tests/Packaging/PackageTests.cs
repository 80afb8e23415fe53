using System.IO.Compression;
using System.Xml.Linq;
using ImageCaptioning.Captioning;
using ImageCaptioning.Configuration;
using ImageCaptioning.Tests.Captioning;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Packaging;

/// <summary>
/// What a user installs, checked the way a user gets it: `dotnet pack` the tool and the library (from this test
/// run's own build, so nothing is rebuilt), `dotnet tool install` the tool from a local folder feed into a temporary
/// tool path, and caption a photo from a temporary folder outside the checkout.
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed class PackageTests : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif
    private const string TestVersion = "0.0.0-test";

    private readonly string _root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"packages-{Guid.NewGuid():N}")).FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Source(string project) => Path.Combine(TestData.RepositoryRoot(), "src", project);

    /// <summary>dotnet itself: DOTNET_HOST_PATH when the test host runs under the SDK, else the one on PATH.</summary>
    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>The .NET installation running this test (…/shared/Microsoft.NETCore.App/&lt;version&gt;/System.Private.CoreLib.dll, three folders up).</summary>
    private static string DotnetRoot =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));

    private static readonly Dictionary<string, string?> QuietDotnet = new()
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0", // no build server left running after the test
        ["MSBUILDDISABLENODEREUSE"] = "1",
    };

    private async Task<string> PackAsync(string project, string feed)
    {
        var result = await ExternalProcess.RunAsync(Dotnet,
            ["pack", Source(project), "-c", Configuration, "--no-build", "-o", feed, $"-p:Version={TestVersion}",
             $"-p:PublishDir={Path.Combine(_root, "publish", project)}/", "-nodeReuse:false"],
            _root, QuietDotnet, TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, result.ToString());
        return feed;
    }

    [Fact]
    public async Task TheToolInstallsFromAFolderFeedAndCaptionsOutsideTheCheckout()
    {
        string models = TestData.ModelsDirectory();
        string image = CaptionerFixture.Flickr8kImage(CaptionerFixture.SomeImages[0]);
        var ct = TestContext.Current.CancellationToken;
        string feed = await PackAsync("ImageCaptioning.Cli", Path.Combine(_root, "feed"));

        string toolPath = Path.Combine(_root, "tools");
        var install = await ExternalProcess.RunAsync(Dotnet,
            ["tool", "install", "ImageCaptioning.Cli", "--tool-path", toolPath, "--add-source", feed, "--version", TestVersion],
            _root, QuietDotnet, TimeSpan.FromMinutes(5), ct);
        Assert.True(install.ExitCode == 0, install.ToString());
        // The tool is the CLI alone: neither the web app nor the benchmarks travel inside it.
        string?[] installed = [.. Directory.EnumerateFiles(toolPath, "*.dll", SearchOption.AllDirectories).Select(Path.GetFileName)];
        Assert.Contains("ImageCaptioning.Cli.dll", installed);
        Assert.DoesNotContain("ImageCaptioning.Web.dll", installed);
        Assert.DoesNotContain("ImageCaptioning.Benchmarks.dll", installed);

        // A user's folder: no checkout above it, the encoder from IMAGECAPTIONING_MODELS_DIR (no internet here), the cache
        // in a temporary XDG cache; the decoder must come from inside the installed tool.
        string work = Directory.CreateDirectory(Path.Combine(_root, "work")).FullName;
        Assert.Null(CaptioningPaths.FindRepositoryRoot(work));
        File.Copy(image, Path.Combine(work, "photo.jpg"));
        var environment = new Dictionary<string, string?>
        {
            [CaptioningPaths.ModelsDirVariable] = models,
            [CaptioningPaths.XdgCacheHomeVariable] = Path.Combine(_root, "xdg-cache"),
            [CaptioningPaths.HomeVariable] = null,
            [CaptioningPaths.ModelCacheVariable] = null,
            ["IMAGECAPTIONING_MODEL"] = null,
            ["DOTNET_ROOT"] = DotnetRoot, // where the tool's launcher finds the runtime this test runs on
        };
        string tool = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "imagecaptioning.exe" : "imagecaptioning");

        var caption = await ExternalProcess.RunAsync(tool, ["caption", "photo.jpg"], work, environment, TimeSpan.FromMinutes(2), ct);
        var verify = await ExternalProcess.RunAsync(tool, ["models", "verify"], work, environment, TimeSpan.FromMinutes(1), ct);

        Assert.True(caption.ExitCode == 0, caption.ToString());
        string[] fields = caption.Output.TrimEnd('\n').Split('\t');
        Assert.Equal("photo.jpg", fields[0]);
        // The installed tool says what the shipped model says in-process, with the default decoding.
        using var captioner = await Captioner.CreateAsync(TestData.Paths with { ModelCacheDirectory = Path.Combine(_root, "cache") }, ct: ct);
        Assert.Equal(captioner.Caption(image).Best.Text, fields[1]);

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains(verify.Output.Split('\n'), line => line.StartsWith("flickr8k-mobilenetv2/decoder.safetensors ") && line.Contains(" packaged "));
        Assert.True(File.Exists(Path.Combine(_root, "xdg-cache", "imagecaptioning", "mobilenetv2-12-int8.features.onnx")),
            "derived files go to the per-user cache");
    }

    [Fact]
    public async Task TheLibraryPackageCarriesItsMetadataLicenceReadmeAndTheShippedDecoder()
    {
        string feed = await PackAsync("ImageCaptioning", Path.Combine(_root, "feed"));
        using var package = ZipFile.OpenRead(Path.Combine(feed, $"ImageCaptioning.{TestVersion}.nupkg"));

        var nuspec = XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open());
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal("ImageCaptioning", metadata.Element(ns + "id")!.Value);
        Assert.Contains("Show, Attend and Tell", metadata.Element(ns + "description")!.Value);
        Assert.Equal("file", metadata.Element(ns + "license")!.Attribute("type")!.Value);
        Assert.Equal("LICENSE", metadata.Element(ns + "license")!.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);

        string[] entries = [.. package.Entries.Select(e => e.FullName)];
        Assert.Contains("LICENSE", entries);
        Assert.Contains("README.md", entries);
        Assert.Contains("lib/net10.0/ImageCaptioning.dll", entries);
        // The decoder is content copied to the consumer's output, where ModelStore looks for a packaged copy: every file of
        // the shipped folder, whatever number of decoders it has.
        string shippedFolder = Path.Combine(TestData.RepositoryRoot(), "models", "flickr8k-mobilenetv2");
        string[] shipped = [.. Directory.GetFiles(shippedFolder).Select(Path.GetFileName).OfType<string>()];
        Assert.Contains("decoder.safetensors", shipped);
        Assert.Contains("ood-reference.safetensors", shipped);
        foreach (string file in shipped)
            Assert.Contains($"contentFiles/any/any/models/flickr8k-mobilenetv2/{file}", entries);
        var contentFiles = metadata.Element(ns + "contentFiles")!.Elements(ns + "files").ToList();
        Assert.Contains(contentFiles, f => f.Attribute("copyToOutput")?.Value == "true" && f.Attribute("flatten")?.Value is null or "false");
        Assert.Contains(metadata.Element(ns + "dependencies")!.Descendants(ns + "dependency"), d => d.Attribute("id")!.Value == "Microsoft.ML");
    }
}

/// <summary>Packing reads the shared build output: one packaging test at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackagingCollection
{
    public const string Name = "Packaging";
}
