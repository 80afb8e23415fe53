namespace ImageCaptioning.Configuration;

/// <summary>
/// Where the project finds its files. Every location comes from an explicit value or an
/// environment variable; library code never guesses a path such as <c>../shared</c>.
/// </summary>
/// <param name="RepositoryRoot">The checkout (holds <c>models/manifest.json</c>); null when running outside one.</param>
/// <param name="ModelSourceDirectory">A folder the user points at that already holds model files (e.g. the encoder ONNX file).</param>
/// <param name="ModelCacheDirectory">Where downloaded and derived model files are kept: the per-user cache by default, never the checkout.</param>
/// <param name="Flickr8kDirectory">The Flickr8k folder (images/, Flickr8k.token.txt or captions.txt, split files).</param>
/// <param name="DataCacheDirectory">Where feature caches and training runs go (git-ignored).</param>
public sealed record CaptioningPaths(
    string? RepositoryRoot,
    string? ModelSourceDirectory,
    string ModelCacheDirectory,
    string? Flickr8kDirectory,
    string DataCacheDirectory)
{
    /// <summary>Folder with model files already on disk (checked before the cache and before any download).</summary>
    public const string ModelsDirVariable = "IMAGECAPTIONING_MODELS_DIR";
    /// <summary>Folder holding Flickr8k.</summary>
    public const string Flickr8kDirVariable = "IMAGECAPTIONING_FLICKR8K_DIR";
    /// <summary>Overrides the checkout root (where <c>models/</c> and <c>data/</c> live).</summary>
    public const string HomeVariable = "IMAGECAPTIONING_HOME";
    /// <summary>Overrides the model cache folder (default: <see cref="DefaultModelCacheDirectory"/>).</summary>
    public const string ModelCacheVariable = "IMAGECAPTIONING_MODEL_CACHE";
    /// <summary>The XDG base-directory variable for per-user caches.</summary>
    public const string XdgCacheHomeVariable = "XDG_CACHE_HOME";
    /// <summary>The cache's folder name under the per-user cache root.</summary>
    public const string CacheFolderName = "imagecaptioning";

    /// <summary>
    /// The folder beside the running app that holds the model files packed with it (the shipped decoder travels
    /// in the library and tool packages as <c>models/…</c> content files).
    /// </summary>
    public static string BundledModelsDirectory => Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary>The folder of shipped decoder models, <c>models/</c> in the checkout.</summary>
    public string ShippedModelsDirectory => Path.Combine(RepositoryRoot ?? Directory.GetCurrentDirectory(), "models");

    /// <summary>Reads the environment; the checkout root is found by walking up from the current folder and the app folder.</summary>
    public static CaptioningPaths FromEnvironment()
    {
        string? root = NonEmpty(Environment.GetEnvironmentVariable(HomeVariable))
            ?? FindRepositoryRoot(Directory.GetCurrentDirectory())
            ?? FindRepositoryRoot(AppContext.BaseDirectory);
        string fallbackBase = root ?? Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "ImageCaptioning");
        return new CaptioningPaths(
            RepositoryRoot: root,
            ModelSourceDirectory: NonEmpty(Environment.GetEnvironmentVariable(ModelsDirVariable)),
            ModelCacheDirectory: NonEmpty(Environment.GetEnvironmentVariable(ModelCacheVariable)) ?? DefaultModelCacheDirectory(),
            Flickr8kDirectory: NonEmpty(Environment.GetEnvironmentVariable(Flickr8kDirVariable)),
            DataCacheDirectory: Path.Combine(fallbackBase, "data", "cache"));
    }

    /// <summary>
    /// The per-user model cache: <c>$XDG_CACHE_HOME/imagecaptioning</c>, else <c>~/.cache/imagecaptioning</c>
    /// (<c>%LOCALAPPDATA%\imagecaptioning\cache</c> on Windows). Shared by every checkout, tool and app of this user.
    /// </summary>
    public static string DefaultModelCacheDirectory()
    {
        // The XDG spec ignores relative values.
        if (NonEmpty(Environment.GetEnvironmentVariable(XdgCacheHomeVariable)) is { } xdg && Path.IsPathFullyQualified(xdg))
            return Path.Combine(xdg, CacheFolderName);
        if (OperatingSystem.IsWindows())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), CacheFolderName, "cache");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", CacheFolderName);
    }

    /// <summary>The nearest ancestor of <paramref name="start"/> that holds <c>models/manifest.json</c>.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "models", "manifest.json")))
                return dir.FullName;
        }
        return null;
    }

    /// <summary>The Flickr8k folder, or a clear error naming the variable to set.</summary>
    public string RequireFlickr8kDirectory() =>
        Flickr8kDirectory is { } dir && Directory.Exists(dir)
            ? dir
            : throw new DirectoryNotFoundException(
                $"Flickr8k was not found: set {Flickr8kDirVariable} (or --flickr8k) to the folder holding images/ and the caption files"
                + (Flickr8kDirectory is null ? "." : $" (it is '{Flickr8kDirectory}', which does not exist)."));

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
