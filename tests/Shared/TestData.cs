using ImageCaptioning.Configuration;

namespace ImageCaptioning.Tests.Infrastructure;

/// <summary>
/// Locates the real data (encoder, Flickr8k) for integration tests. When it is missing the test is
/// skipped with a reason — unless IMAGECAPTIONING_REQUIRE_DATA=1 (CI sets it), which turns absence into failure.
/// One file, compiled into every test project (linked from tests/Shared), so the rule cannot drift between them.
/// </summary>
public static class TestData
{
    public const string RequireDataVariable = "IMAGECAPTIONING_REQUIRE_DATA";

    public static CaptioningPaths Paths { get; } = CaptioningPaths.FromEnvironment();

    public static bool DataRequired => Environment.GetEnvironmentVariable(RequireDataVariable) is "1" or "true";

    /// <summary>Folder holding the encoder ONNX file and imagenet_classes.txt.</summary>
    public static string ModelsDirectory() =>
        Require(Paths.ModelSourceDirectory, CaptioningPaths.ModelsDirVariable, "mobilenetv2-12-int8.onnx");

    /// <summary>The Flickr8k folder.</summary>
    public static string Flickr8kDirectory() =>
        Require(Paths.Flickr8kDirectory, CaptioningPaths.Flickr8kDirVariable, "images");

    /// <summary>The checkout root (always present when tests run from the repository).</summary>
    public static string RepositoryRoot() =>
        Paths.RepositoryRoot ?? throw new InvalidOperationException("Tests must run inside the checkout (models/manifest.json not found).");

    private static string Require(string? directory, string variable, string mustContain)
    {
        if (directory is not null && Path.Exists(Path.Combine(directory, mustContain)))
            return directory;
        string reason = $"{variable} is not set or does not hold '{mustContain}' (value: '{directory ?? "<unset>"}').";
        if (DataRequired)
            throw new InvalidOperationException($"Integration data required ({RequireDataVariable}=1) but missing: {reason}");
        Assert.Skip(reason);
        return null!; // unreachable: Assert.Skip throws
    }
}
