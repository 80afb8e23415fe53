using ImageCaptioning.Configuration;

namespace ImageCaptioning.ModelFiles;

/// <summary>
/// Finds a verified local copy of a manifest-listed model file. Resolution order:
/// <list type="number">
/// <item>the folder the user pointed at (<see cref="CaptioningPaths.ModelSourceDirectory"/>, set by an
/// option or <c>IMAGECAPTIONING_MODELS_DIR</c>);</item>
/// <item>the copies shipped with the code: the checkout's <c>models/</c>, then the <c>models/</c> folder beside the app
/// (the library and tool packages carry the shipped decoder there);</item>
/// <item>the per-user cache (<see cref="CaptioningPaths.ModelCacheDirectory"/>, XDG cache by default);</item>
/// <item>a download from the manifest's URLs into the cache, with progress.</item>
/// </list>
/// Every copy is checked against the manifest's SHA-256 before its path is returned. A mismatching
/// file in the user's folder or a shipped folder is refused with an error (it is not ours to replace);
/// a mismatching file in the cache is deleted and fetched again (the cache is ours).
/// </summary>
public sealed class ModelStore
{
    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient { Timeout = TimeSpan.FromMinutes(5) });

    private readonly CaptioningPaths _paths;
    private readonly ModelDownloader _downloader;
    private readonly string? _packagedDirectory;

    public ModelStore(CaptioningPaths paths, HttpClient? http = null)
        : this(paths, ModelManifest.Load(paths), http)
    {
    }

    /// <summary>With an explicit manifest (tests use one listing small fake files) and packaged folder.</summary>
    internal ModelStore(CaptioningPaths paths, ModelManifest manifest, HttpClient? http = null, string? packagedDirectory = null)
    {
        _paths = paths;
        Manifest = manifest;
        _downloader = new ModelDownloader(http ?? SharedHttp.Value);
        _packagedDirectory = packagedDirectory ?? CaptioningPaths.BundledModelsDirectory;
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
        foreach (var (location, root) in LocalRoots())
        {
            string candidate = Path.Combine(root, entry.Name);
            if (!File.Exists(candidate))
                continue;
            string hash = await FileHashes.Sha256HexAsync(candidate, ct);
            if (hash == entry.Sha256)
                return candidate;
            if (location != ModelLocation.Cache)
                throw Refused(entry, candidate, hash, location);
            File.Delete(candidate); // a broken or stale cache entry: ours to replace
        }
        return await DownloadAsync(entry, progress, ct);
    }

    /// <summary>
    /// The folder holding every manifest file under <paramref name="folderName"/>/ (e.g. the shipped decoder,
    /// <c>flickr8k-mobilenetv2</c>), all verified: the first location in resolution order that has all of them,
    /// else the cache folder after fetching what it lacks.
    /// </summary>
    /// <exception cref="ModelFileException">No such folder in the manifest, a copy is refused, or a file is unavailable.</exception>
    public async Task<string> ResolveFolderAsync(string folderName, IProgress<double>? progress = null, CancellationToken ct = default)
    {
        var entries = FolderEntries(folderName);
        foreach (var (location, root) in LocalRoots().Where(r => r.Location != ModelLocation.Cache))
        {
            string folder = Path.Combine(root, folderName);
            if (!entries.All(e => File.Exists(Path.Combine(root, e.Name))))
                continue; // a partial folder is not this model
            foreach (var entry in entries)
            {
                string file = Path.Combine(root, entry.Name);
                string hash = await FileHashes.Sha256HexAsync(file, ct);
                if (hash != entry.Sha256)
                    throw Refused(entry, file, hash, location);
            }
            return folder;
        }
        foreach (var entry in entries)
        {
            string cached = Path.Combine(_paths.ModelCacheDirectory, entry.Name);
            if (File.Exists(cached) && await FileHashes.Sha256HexAsync(cached, ct) == entry.Sha256)
                continue;
            if (File.Exists(cached))
                File.Delete(cached);
            await DownloadAsync(entry, progress, ct);
        }
        return Path.Combine(_paths.ModelCacheDirectory, folderName);
    }

    /// <summary>
    /// The first folder in resolution order that holds every manifest file under <paramref name="folderName"/>/, without
    /// checking hashes (for callers that need a path at once; <see cref="ResolveFolderAsync"/> verifies), or null.
    /// </summary>
    public string? FindFolder(string folderName)
    {
        var entries = FolderEntries(folderName);
        return LocalRoots()
            .Where(r => entries.All(e => File.Exists(Path.Combine(r.Root, e.Name))))
            .Select(r => Path.Combine(r.Root, folderName))
            .FirstOrDefault();
    }

    /// <summary>
    /// Where each manifest file would be taken from, without downloading anything; with <paramref name="checkHashes"/>
    /// every copy found is hashed (a copy that fails is reported, not skipped).
    /// </summary>
    public async Task<IReadOnlyList<ModelFileStatus>> InspectAsync(bool checkHashes, CancellationToken ct = default)
    {
        var statuses = new List<ModelFileStatus>();
        foreach (var entry in Manifest.Files)
        {
            ModelFileStatus status = new(entry, null, null, null);
            foreach (var (location, root) in LocalRoots())
            {
                string candidate = Path.Combine(root, entry.Name);
                if (!File.Exists(candidate))
                    continue;
                string? hash = checkHashes ? await FileHashes.Sha256HexAsync(candidate, ct) : null;
                status = new ModelFileStatus(entry, candidate, location, hash);
                break;
            }
            statuses.Add(status);
        }
        return statuses;
    }

    /// <summary>The local places a file is looked for, in order (existing or not).</summary>
    public IEnumerable<(ModelLocation Location, string Root)> LocalRoots()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        IEnumerable<(ModelLocation, string?)> all =
        [
            (ModelLocation.Configured, _paths.ModelSourceDirectory),
            (ModelLocation.Checkout, _paths.RepositoryRoot is { } root ? Path.Combine(root, "models") : null),
            (ModelLocation.Packaged, _packagedDirectory),
            (ModelLocation.Cache, _paths.ModelCacheDirectory),
        ];
        foreach (var (location, dir) in all)
        {
            if (dir is not null && seen.Add(Path.GetFullPath(dir)))
                yield return (location, dir);
        }
    }

    private IReadOnlyList<ModelFileEntry> FolderEntries(string folderName)
    {
        string prefix = folderName.TrimEnd('/') + "/";
        var entries = Manifest.Files.Where(f => f.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        return entries.Count > 0
            ? entries
            : throw new ModelFileException(folderName, $"models/manifest.json lists no files under '{prefix}'.");
    }

    private async Task<string> DownloadAsync(ModelFileEntry entry, IProgress<double>? progress, CancellationToken ct)
    {
        var (downloaded, failures) = await _downloader.DownloadAsync(entry, _paths.ModelCacheDirectory, progress, ct);
        return downloaded ?? throw new ModelFileException(entry.Name, DescribeUnavailable(entry, failures));
    }

    private static ModelFileException Refused(ModelFileEntry entry, string file, string hash, ModelLocation location) =>
        new(entry.Name, $"Refusing '{file}': its SHA-256 is {hash}, but models/manifest.json expects {entry.Sha256}. " + location switch
        {
            ModelLocation.Configured => $"Replace it with the genuine file or unset {CaptioningPaths.ModelsDirVariable}.",
            _ => "The shipped copy was modified: restore it, or (if the change is intended) put its SHA-256 and size in models/manifest.json.",
        });

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
