using ImageCaptioning.Configuration;

namespace ImageCaptioning.Web.Tests.Infrastructure;

/// <summary>
/// Locates the encoder for tests that run the whole pipeline (the same pattern as the core tests' TestData):
/// skipped when IMAGECAPTIONING_MODELS_DIR is missing, failed instead when IMAGECAPTIONING_REQUIRE_DATA=1 (CI).
/// </summary>
public static class TestData
{
    public const string RequireDataVariable = "IMAGECAPTIONING_REQUIRE_DATA";

    public static CaptioningPaths Paths { get; } = CaptioningPaths.FromEnvironment();

    public static bool DataRequired => Environment.GetEnvironmentVariable(RequireDataVariable) is "1" or "true";

    /// <summary>Folder holding the encoder ONNX file and imagenet_classes.txt.</summary>
    public static string ModelsDirectory()
    {
        string? directory = Paths.ModelSourceDirectory;
        if (directory is not null && File.Exists(Path.Combine(directory, "mobilenetv2-12-int8.onnx")))
            return directory;
        string reason = $"{CaptioningPaths.ModelsDirVariable} is not set or does not hold 'mobilenetv2-12-int8.onnx' (value: '{directory ?? "<unset>"}').";
        if (DataRequired)
            throw new InvalidOperationException($"Integration data required ({RequireDataVariable}=1) but missing: {reason}");
        Assert.Skip(reason);
        return null!; // unreachable: Assert.Skip throws
    }

    /// <summary>The checkout root.</summary>
    public static string RepositoryRoot() =>
        Paths.RepositoryRoot ?? throw new InvalidOperationException("Tests must run inside the checkout (models/manifest.json not found).");
}
