using System.Security.Cryptography;
using ImageCaptioning.Imaging;

namespace ImageCaptioning.Web.Examples;

/// <summary>
/// The example gallery: the photos shipped in wwwroot/examples (in the order of its gallery.json), a random Flickr8k
/// test photo when Flickr8k is configured, then the photos of an optional user folder (<c>IMAGECAPTIONING_EXAMPLES_DIR</c>;
/// its own gallery.json, else every image in file-name order credited from its ATTRIBUTION.md). Folders are scanned
/// once at startup; a file the server cannot use (not an image, too large) is left out with a log line, and a user
/// file identical to a built-in one is shown once. Lookups go by id through a dictionary, so no client text ever
/// becomes a path.
/// </summary>
public sealed class ExampleCatalog
{
    private const int MaxUserExamples = 48;
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"];

    private readonly Dictionary<string, ExampleImage> _byId = new(StringComparer.Ordinal);

    public ExampleCatalog(string builtInFolder, string? userFolder, ImageLimits limits, ILogger logger, Flickr8kTestPhotos? testPhotos = null)
    {
        var seenContent = new HashSet<string>(StringComparer.Ordinal);
        var all = new List<ExampleImage>();
        Scan(builtInFolder, idPrefix: "", int.MaxValue, limits, logger, seenContent, all);
        TestPhotos = testPhotos;
        if (testPhotos is not null)
            all.Add(Flickr8kTestPhotos.Example);
        if (!string.IsNullOrWhiteSpace(userFolder))
        {
            if (Directory.Exists(userFolder))
                Scan(userFolder, idPrefix: "user-", MaxUserExamples, limits, logger, seenContent, all);
            else
                logger.LogWarning("The examples folder '{Folder}' does not exist; only the built-in examples are shown.", userFolder);
        }
        All = all;
        foreach (var example in all)
            _byId[example.Id] = example;
    }

    /// <summary>Every example: the built-in ones, the random test photo, then the user's.</summary>
    public IReadOnlyList<ExampleImage> All { get; }

    public ExampleImage? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Where the random test photo comes from; null when Flickr8k is not configured (the gallery then has none).</summary>
    public Flickr8kTestPhotos? TestPhotos { get; }

    private static void Scan(string folder, string idPrefix, int limit, ImageLimits limits, ILogger logger,
        HashSet<string> seenContent, List<ExampleImage> into)
    {
        if (!Directory.Exists(folder))
            return;
        var manifest = ReadManifest(folder, logger);
        IReadOnlyDictionary<string, (string Subject, string Licence)> attribution =
            manifest is null ? AttributionTable.Read(folder) : new Dictionary<string, (string, string)>();
        var images = Directory.EnumerateFiles(folder)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        IEnumerable<(string File, GalleryEntry? Entry)> candidates = images.Select(f => (f, (GalleryEntry?)null));
        if (manifest is not null)
        {
            var listed = manifest.Examples.Select(e => e.File).ToHashSet(StringComparer.Ordinal);
            foreach (string unlisted in images.Where(f => !listed.Contains(Path.GetFileName(f))))
                logger.LogWarning("Example '{File}' is left out: it is not listed in {Manifest}.", unlisted, GalleryManifest.FileName);
            candidates = manifest.Examples.Select(e => (Path.Combine(folder, e.File), (GalleryEntry?)e));
        }
        int added = 0;
        foreach (var (file, entry) in candidates)
        {
            if (added == limit)
            {
                logger.LogWarning("Only the first {Limit} images of '{Folder}' are shown as examples.", limit, folder);
                break;
            }
            ValidatedImage image;
            try
            {
                image = ValidatedImage.FromFile(file, limits);
            }
            catch (Exception ex) when (ex is InvalidImageException or IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("Example '{File}' is left out: {Reason}", file, ex.Message);
                continue;
            }
            if (!seenContent.Add(Convert.ToHexString(SHA256.HashData(image.Bytes.Span))))
                continue; // the same photo is already in the gallery
            string name = Path.GetFileName(file);
            string id = UniqueId(idPrefix + Slug(Path.GetFileNameWithoutExtension(name)), into);
            string contentType = ContentTypeOf(image.Header.Format);
            if (entry is not null)
            {
                into.Add(new ExampleImage(id, entry.Title, entry.Credit, contentType, file, entry.Subjects ?? [],
                    entry.OutsideTrainingData, entry.SourceUrl));
            }
            else
            {
                string title = Path.GetFileNameWithoutExtension(name);
                string? credit = null;
                if (attribution.TryGetValue(name, out var row))
                    (title, credit) = row;
                into.Add(new ExampleImage(id, title, credit, contentType, file, Subjects: []));
            }
            added++;
        }
    }

    /// <summary>The folder's gallery.json; a broken one is logged and the folder falls back to its plain file list.</summary>
    private static GalleryManifest? ReadManifest(string folder, ILogger logger)
    {
        try
        {
            return GalleryManifest.Read(folder);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("The gallery manifest is ignored: {Reason}", ex.Message);
            return null;
        }
    }

    /// <summary><paramref name="baseId"/>, or with "-2", "-3"… appended when an earlier example took it.</summary>
    private static string UniqueId(string baseId, List<ExampleImage> taken)
    {
        string id = baseId;
        for (int n = 2; taken.Any(e => e.Id == id); n++)
            id = $"{baseId}-{n}";
        return id;
    }

    private static string Slug(string name)
    {
        var chars = name.ToLowerInvariant().Select(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-').ToArray();
        string slug = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        return slug.Length == 0 ? "example" : slug[..Math.Min(slug.Length, 40)];
    }

    public static string ContentTypeOf(ImageFileFormat format) => format switch
    {
        ImageFileFormat.Jpeg => "image/jpeg",
        ImageFileFormat.Png => "image/png",
        ImageFileFormat.Gif => "image/gif",
        ImageFileFormat.Bmp => "image/bmp",
        ImageFileFormat.WebP => "image/webp",
        _ => "application/octet-stream",
    };
}
