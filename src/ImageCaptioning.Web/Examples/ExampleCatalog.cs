using System.Security.Cryptography;
using ImageCaptioning.Imaging;

namespace ImageCaptioning.Web.Examples;

/// <summary>
/// The example gallery: the photos shipped in wwwroot/examples, then those of an optional user folder
/// (<c>IMAGECAPTIONING_EXAMPLES_DIR</c>). Both are scanned once at startup; a file the server cannot use
/// (not an image, too large) is left out with a log line, and a user file identical to a built-in one
/// is shown once. Lookups go by id through a dictionary, so no client text ever becomes a path.
/// </summary>
public sealed class ExampleCatalog
{
    private const int MaxUserExamples = 48;
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"];

    private readonly Dictionary<string, ExampleImage> _byId = new(StringComparer.Ordinal);

    public ExampleCatalog(string builtInFolder, string? userFolder, ImageLimits limits, ILogger logger)
    {
        var seenContent = new HashSet<string>(StringComparer.Ordinal);
        var all = new List<ExampleImage>();
        Scan(builtInFolder, idPrefix: "", int.MaxValue, limits, logger, seenContent, all);
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

    /// <summary>Every example, built-in first, each group in file-name order.</summary>
    public IReadOnlyList<ExampleImage> All { get; }

    public ExampleImage? Find(string id) => _byId.GetValueOrDefault(id);

    private static void Scan(string folder, string idPrefix, int limit, ImageLimits limits, ILogger logger,
        HashSet<string> seenContent, List<ExampleImage> into)
    {
        if (!Directory.Exists(folder))
            return;
        var attribution = AttributionTable.Read(folder);
        var files = Directory.EnumerateFiles(folder)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        int added = 0;
        foreach (string file in files)
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
            string title = Path.GetFileNameWithoutExtension(name);
            string? credit = null;
            if (attribution.TryGetValue(name, out var row))
                (title, credit) = row;
            into.Add(new ExampleImage(UniqueId(idPrefix + Slug(Path.GetFileNameWithoutExtension(name)), into), title, credit,
                ContentTypeOf(image.Header.Format), file));
            added++;
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
