using ImageCaptioning.Cli;
using ImageCaptioning.Cli.Commands;
using ImageCaptioning.Configuration;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Cli;

/// <summary>`models list` / `models verify` on the real files: what is there, where from, and what is missing.</summary>
public sealed class ModelsCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"models-cmd-{Guid.NewGuid():N}")).FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private async Task<(int Exit, string[] Lines)> RunAsync(CaptioningPaths paths, bool verify)
    {
        var output = new StringWriter();
        int exit = await ModelsCommand.RunAsync(paths, verify, output, TestContext.Current.CancellationToken);
        return (exit, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task VerifyPassesWithTheConfiguredEncoderAndTheShippedDecoder()
    {
        var paths = TestData.Paths with { ModelSourceDirectory = TestData.ModelsDirectory(), ModelCacheDirectory = Path.Combine(_root, "cache") };

        var (exit, lines) = await RunAsync(paths, verify: true);

        Assert.Equal(0, exit);
        Assert.Contains(lines, l => l.StartsWith("mobilenetv2-12-int8.onnx ") && l.Contains(" ok ") && l.Contains("configured"));
        Assert.Contains(lines, l => l.StartsWith("flickr8k-mobilenetv2/decoder.safetensors ") && l.Contains(" ok "));
        Assert.EndsWith("all present and verified.", lines[^1]);
    }

    [Fact]
    public async Task ListSaysWhatIsMissingAndWhereItWouldComeFrom()
    {
        var paths = new CaptioningPaths(null, null, Path.Combine(_root, "cache"), null, Path.Combine(_root, "data"));

        var (listExit, lines) = await RunAsync(paths, verify: false);
        var (verifyExit, _) = await RunAsync(paths, verify: true);

        Assert.Equal(0, listExit);
        Assert.Equal(CliRunner.ExitBadInput, verifyExit);
        string encoder = Assert.Single(lines, l => l.StartsWith("mobilenetv2-12-int8.onnx "));
        Assert.Contains("missing", encoder);
        Assert.Contains("downloads on first use from https://", encoder);
        // The decoder travels with the app: found beside it even without a checkout.
        Assert.Contains(lines, l => l.StartsWith("flickr8k-mobilenetv2/config.json ") && l.Contains("packaged"));
        Assert.Contains("2 missing", lines[^1]);
    }

    [Fact]
    public async Task AWrongCopyIsReportedWithBothHashes()
    {
        File.WriteAllText(Path.Combine(_root, "imagenet_classes.txt"), "not the class names\n");
        var paths = new CaptioningPaths(null, _root, Path.Combine(_root, "cache"), null, Path.Combine(_root, "data"));

        var (exit, lines) = await RunAsync(paths, verify: true);

        Assert.Equal(CliRunner.ExitBadInput, exit);
        Assert.Contains(lines, l => l.StartsWith("imagenet_classes.txt ") && l.Contains("WRONG HASH"));
        Assert.Contains(lines, l => l.Contains("expected 1f386e0d"));
    }
}
