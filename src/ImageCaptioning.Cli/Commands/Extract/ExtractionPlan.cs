using ImageCaptioning.Data;
using ImageCaptioning.Encoder;
using ImageCaptioning.Errors;

namespace ImageCaptioning.Cli.Commands.Extract;

/// <summary>One image to encode: its name in the cache and its file.</summary>
internal readonly record struct ExtractionItem(string ImageName, string ImagePath);

/// <summary>
/// What `extract` works on: the cache's slots (every image it will ever hold, fixed at creation) and the ones to encode
/// now. For Flickr8k the slots are all captioned images (ordinal order), so one cache per encoder serves every split and
/// <c>--split</c> picks which to fill; for a folder they are its image files, all wanted.
/// </summary>
internal sealed record ExtractionPlan(string Description, IReadOnlyList<string> SlotNames, IReadOnlyList<ExtractionItem> Wanted, string? FolderName)
{
    /// <summary>File extensions the encoder reads (JPEG, PNG, BMP, GIF, WebP).</summary>
    private static readonly HashSet<string> ImageExtensions = new([".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The split names `--split` accepts.</summary>
    public static readonly string[] SplitChoices = ["train", "dev", "test", "all"];

    public static ExtractionPlan ForFlickr8k(Flickr8kDataset dataset, string split)
    {
        string[] slots = [.. dataset.Captions.Keys.Order(StringComparer.Ordinal)];
        IReadOnlyList<string> wanted = split.ToLowerInvariant() switch
        {
            "all" => slots,
            "train" => dataset.Split(DatasetSplit.Train),
            "dev" => dataset.Split(DatasetSplit.Dev),
            "test" => dataset.Split(DatasetSplit.Test),
            _ => throw new ImageCaptioningException($"Unknown split '{split}': use one of {string.Join(", ", SplitChoices)}."),
        };
        return new ExtractionPlan($"Flickr8k {split.ToLowerInvariant()} ({wanted.Count:N0} images)", slots,
            [.. wanted.Select(name => new ExtractionItem(name, dataset.ImagePath(name)))], FolderName: null);
    }

    public static ExtractionPlan ForFolder(string folder)
    {
        string full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
            throw new DirectoryNotFoundException($"The image folder '{full}' does not exist.");
        string[] names = [.. Directory.EnumerateFiles(full)
            .Where(path => ImageExtensions.Contains(Path.GetExtension(path)))
            .Select(path => Path.GetFileName(path))
            .Order(StringComparer.Ordinal)];
        if (names.Length == 0)
            throw new ImageCaptioningException($"The folder '{full}' holds no images ({string.Join(", ", ImageExtensions.Order())}).");
        return new ExtractionPlan($"folder {full} ({names.Length:N0} images)", names,
            [.. names.Select(name => new ExtractionItem(name, Path.Combine(full, name)))], Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar)));
    }

    /// <summary>
    /// <c>&lt;data cache&gt;/features-&lt;sha8&gt;.f16bin</c> for Flickr8k; mirrored-image (augmentation) and folder caches
    /// go to <c>mirrored/</c> and <c>folders/</c>, so they are never mistaken for the training cache.
    /// </summary>
    public string DefaultOutput(string dataCacheDirectory, string encoderSha256, bool mirrored = false, FeatureGrid? grid = null)
    {
        // The 7×7 cache keeps its historical name; another grid's cache is named after it.
        string sha8 = grid is null || grid == FeatureGrid.Final ? encoderSha256[..8] : $"{encoderSha256[..8]}-{grid.Name}";
        if (FolderName is null)
            return mirrored
                ? Path.Combine(dataCacheDirectory, "mirrored", $"features-{sha8}-mirrored.f16bin")
                : Path.Combine(dataCacheDirectory, $"features-{sha8}.f16bin");
        string safeName = string.Concat(FolderName.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
        return Path.Combine(dataCacheDirectory, "folders", $"features-{sha8}-{safeName}.f16bin");
    }
}
