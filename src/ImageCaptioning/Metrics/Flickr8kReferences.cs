namespace ImageCaptioning.Metrics;

/// <summary>
/// Reads Flickr8k's reference captions for one split, for evaluation. Minimal on purpose (the data loader in
/// <c>ImageCaptioning.Data</c> is the full one): it reads <c>Flickr8k.token.txt</c>
/// (<c>&lt;image&gt;#&lt;n&gt;\t&lt;caption&gt;</c>) or, when that is absent, Kaggle's <c>captions.txt</c>
/// (CSV <c>image,caption</c>), and the split list <c>Flickr_8k.{train,dev,test}Images.txt</c>.
/// Captions of images outside the split are skipped (including the five lines of the non-existent
/// <c>2258277193_586949ec62.jpg.1</c> in the original release).
/// </summary>
public static class Flickr8kReferences
{
    public const string TokenFileName = "Flickr8k.token.txt";
    public const string CsvFileName = "captions.txt";

    /// <summary>The split names: train (6000 images), dev (1000) and test (1000).</summary>
    public static readonly IReadOnlyList<string> Splits = ["train", "dev", "test"];

    /// <summary>The split list's file name, e.g. <c>Flickr_8k.testImages.txt</c>.</summary>
    public static string SplitFileName(string split) => $"Flickr_8k.{RequireSplit(split)}Images.txt";

    /// <summary>Image id → its reference captions (token file: in #n order; CSV: in file order), for every image of the split.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> LoadAsync(
        string flickr8kDirectory, string split, CancellationToken cancellationToken = default)
    {
        var images = await ReadSplitAsync(flickr8kDirectory, split, cancellationToken).ConfigureAwait(false);
        var wanted = images.ToHashSet(StringComparer.Ordinal);
        string tokenFile = Path.Combine(flickr8kDirectory, TokenFileName);
        string csvFile = Path.Combine(flickr8kDirectory, CsvFileName);
        Dictionary<string, List<(int Order, string Caption)>> captions;
        if (File.Exists(tokenFile))
            captions = await ReadTokenFileAsync(tokenFile, wanted, cancellationToken).ConfigureAwait(false);
        else if (File.Exists(csvFile))
            captions = await ReadCsvFileAsync(csvFile, wanted, cancellationToken).ConfigureAwait(false);
        else
            throw new CaptionFileException($"No Flickr8k caption file in '{flickr8kDirectory}': expected {TokenFileName} or {CsvFileName}.");

        var references = new Dictionary<string, IReadOnlyList<string>>(images.Count, StringComparer.Ordinal);
        foreach (string image in images)
        {
            if (!captions.TryGetValue(image, out var list))
                throw new CaptionFileException($"Image '{image}' of the {split} split has no captions in the Flickr8k caption file.");
            references[image] = list.OrderBy(c => c.Order).Select(c => c.Caption).ToArray();
        }
        return references;
    }

    /// <summary>The image names listed in the split file, in file order.</summary>
    public static async Task<IReadOnlyList<string>> ReadSplitAsync(string flickr8kDirectory, string split, CancellationToken cancellationToken = default)
    {
        string path = Path.Combine(flickr8kDirectory, SplitFileName(split));
        if (!File.Exists(path))
            throw new CaptionFileException($"The {split} split list '{path}' does not exist.");
        var lines = await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false);
        var images = lines.Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (images.Length == 0)
            throw new CaptionFileException($"The {split} split list '{path}' is empty.");
        return images;
    }

    private static async Task<Dictionary<string, List<(int, string)>>> ReadTokenFileAsync(
        string path, HashSet<string> wanted, CancellationToken cancellationToken)
    {
        var captions = new Dictionary<string, List<(int, string)>>(StringComparer.Ordinal);
        int lineNumber = 0;
        await foreach (string line in File.ReadLinesAsync(path, cancellationToken).ConfigureAwait(false))
        {
            lineNumber++;
            if (line.Length == 0)
                continue;
            int tab = line.IndexOf('\t');
            int hash = tab < 0 ? -1 : line.LastIndexOf('#', tab);
            if (tab < 0 || hash <= 0 || !int.TryParse(line.AsSpan(hash + 1, tab - hash - 1), out int order))
                throw new CaptionFileException($"{Path.GetFileName(path)} line {lineNumber}: expected '<image>#<n><TAB><caption>'.");
            string image = line[..hash];
            if (wanted.Contains(image))
                Add(captions, image, order, line[(tab + 1)..]);
        }
        return captions;
    }

    private static async Task<Dictionary<string, List<(int, string)>>> ReadCsvFileAsync(
        string path, HashSet<string> wanted, CancellationToken cancellationToken)
    {
        var captions = new Dictionary<string, List<(int, string)>>(StringComparer.Ordinal);
        int lineNumber = 0;
        await foreach (string line in File.ReadLinesAsync(path, cancellationToken).ConfigureAwait(false))
        {
            lineNumber++;
            if (lineNumber == 1)
            {
                if (!line.Trim().Equals("image,caption", StringComparison.OrdinalIgnoreCase))
                    throw new CaptionFileException($"{Path.GetFileName(path)} line 1: expected the header 'image,caption'.");
                continue;
            }
            if (line.Length == 0)
                continue;
            if (!CsvCaptionLine.TryParse(line, out string image, out string caption, out string error))
                throw new CaptionFileException($"{Path.GetFileName(path)} line {lineNumber}: {error}.");
            if (wanted.Contains(image))
                Add(captions, image, lineNumber, caption);
        }
        return captions;
    }

    private static void Add(Dictionary<string, List<(int, string)>> captions, string image, int order, string caption)
    {
        if (!captions.TryGetValue(image, out var list))
            captions[image] = list = [];
        list.Add((order, caption));
    }

    private static string RequireSplit(string split) =>
        Splits.Contains(split) ? split : throw new CaptionFileException($"Unknown Flickr8k split '{split}': use train, dev or test.");
}
