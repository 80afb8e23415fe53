using ImageCaptioning.Configuration;

namespace ImageCaptioning.Models;

/// <summary>
/// Finds a verified local copy of a manifest-listed model file. Resolution order:
/// <list type="number">
/// <item>the folder the user pointed at (<see cref="CaptioningPaths.ModelSourceDirectory"/>, set by an
/// option or <c>IMAGECAPTIONING_MODELS_DIR</c>);</item>
/// <item>the local cache (<see cref="CaptioningPaths.ModelCacheDirectory"/>, git-ignored);</item>
/// <item>a download from the manifest's URLs into the cache, with progress.</item>
/// </list>
/// Every copy is checked against the manifest's SHA-256 before its path is returned. A mismatching
/// file in the user's folder is refused with an error (it is theirs, we do not touch it); a
/// mismatching file in the cache is deleted and fetched again (the cache is ours).
/// </summary>
public sealed class ModelStore
{
    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient { Timeout = TimeSpan.FromMinutes(5) });

    private readonly CaptioningPaths _paths;
    private readonly ModelDownloader _downloader;

    public ModelStore(CaptioningPaths paths, HttpClient? http = null)
        : this(paths, ModelManifest.Load(paths), http)
    {
    }

    /// <summary>With an explicit manifest (tests use one listing small fake files).</summary>
    internal ModelStore(CaptioningPaths paths, ModelManifest manifest, HttpClient? http = null)
    {
        _paths = paths;
        Manifest = manifest;
        _downloader = new ModelDownloader(http ?? SharedHttp.Value);
    }

    public ModelManifest Manifest { get; }

    /// <summary>
    /// A local path to <paramref name="fileName"/> whose SHA-256 matches the manifest.
    /// </summary>
    /// <param name="progress">Download progress 0..1 (only reported when a download happens).</param>
    /// <exception cref="ModelFileException">Not in the manifest, refused for a wrong hash, or unavailable offline.</exception>
    public async Task<string> ResolveAsync(string fileName, IProgress<double>? progress = null, CancellationToken ct = default)
    {
        ModelFileEntry entry = Manifest.Get(fileName);

        if (_paths.ModelSourceDirectory is { } sourceDir)
        {
            string candidate = Path.Combine(sourceDir, entry.Name);
            if (File.Exists(candidate))
            {
                string hash = await FileHashes.Sha256HexAsync(candidate, ct);
                if (hash != entry.Sha256)
                    throw new ModelFileException(entry.Name,
                        $"Refusing '{candidate}': its SHA-256 is {hash}, but models/manifest.json expects {entry.Sha256}. " +
                        $"Replace it with the genuine file or unset {CaptioningPaths.ModelsDirVariable}.");
                return candidate;
            }
        }

        string cached = Path.Combine(_paths.ModelCacheDirectory, entry.Name);
        if (File.Exists(cached))
        {
            if (await FileHashes.Sha256HexAsync(cached, ct) == entry.Sha256)
                return cached;
            File.Delete(cached); // a broken or stale cache entry: ours to replace
        }

        var (downloaded, failures) = await _downloader.DownloadAsync(entry, _paths.ModelCacheDirectory, progress, ct);
        if (downloaded is not null)
            return downloaded;
        throw new ModelFileException(entry.Name, DescribeUnavailable(entry, failures));
    }

    private string DescribeUnavailable(ModelFileEntry entry, IReadOnlyList<ModelDownloader.Failure> failures)
    {
        string where = _paths.ModelSourceDirectory is { } dir
            ? $"not in {CaptioningPaths.ModelsDirVariable} ('{dir}')"
            : $"{CaptioningPaths.ModelsDirVariable} is not set";
        string download = failures.Count == 0
            ? "the manifest lists no download URL"
            : string.Join("; ", failures.Select(f => f.HashMismatch
                ? $"the download from {f.Url} was refused because {f.Reason}"
                : $"the download from {f.Url} failed ({f.Reason})"));
        return $"Model file '{entry.Name}' (SHA-256 {entry.Sha256}) is not available: {where}, it is not in the cache " +
               $"'{_paths.ModelCacheDirectory}', and {download}. To provide it, download it yourself, check its SHA-256, and set " +
               $"{CaptioningPaths.ModelsDirVariable} to the folder that holds it (or copy it into the cache folder).";
    }
}
