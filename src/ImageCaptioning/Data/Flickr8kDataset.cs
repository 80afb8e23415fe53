namespace ImageCaptioning.Data;

/// <summary>
/// The Flickr8k dataset on disk: captions per image and the standard train/dev/test split. <see cref="Directory"/>
/// holds <c>images/</c> (or Kaggle's <c>Images/</c>), <c>Flickr8k.token.txt</c> (preferred) or Kaggle's
/// <c>captions.txt</c>, and <c>Flickr_8k.{train,dev,test}Images.txt</c> (needed only by <see cref="Split"/>).
/// Caption entries whose image is missing are skipped and counted in <see cref="SkippedEntries"/>.
/// </summary>
public sealed class Flickr8kDataset
{
    private static readonly string[] ImageFolderNames = ["images", "Images"];

    private readonly IReadOnlyDictionary<DatasetSplit, IReadOnlyList<string>?> _splits;

    private Flickr8kDataset(string directory, string imagesDirectory, IReadOnlyDictionary<string, IReadOnlyList<string>> captions,
        int skippedEntries, IReadOnlyDictionary<DatasetSplit, IReadOnlyList<string>?> splits)
    {
        Directory = directory;
        ImagesDirectory = imagesDirectory;
        Captions = captions;
        SkippedEntries = skippedEntries;
        _splits = splits;
    }

    /// <summary>The dataset folder.</summary>
    public string Directory { get; }

    /// <summary>The folder holding the photos.</summary>
    public string ImagesDirectory { get; }

    /// <summary>Image file name (e.g. <c>1000268201_693b08cb0e.jpg</c>) → its raw captions, in file order. Only images that exist.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Captions { get; }

    /// <summary>Caption entries skipped because their image is not in <see cref="ImagesDirectory"/>.</summary>
    public int SkippedEntries { get; }

    /// <summary>Full path of an image of the dataset.</summary>
    public string ImagePath(string imageName) => Path.Combine(ImagesDirectory, imageName);

    /// <summary>
    /// The image file names of <paramref name="split"/> in the split file's order, keeping only images that
    /// exist and have captions (duplicates in the file are listed once).
    /// </summary>
    /// <exception cref="DatasetFormatException">The split file was not in the dataset folder.</exception>
    public IReadOnlyList<string> Split(DatasetSplit split) =>
        _splits[split] ?? throw new DatasetFormatException(Path.Combine(Directory, SplitFileName(split)),
            $"The {split.ToString().ToLowerInvariant()} split file '{SplitFileName(split)}' is not in '{Directory}'.");

    /// <summary>The standard file name of a split's image list.</summary>
    public static string SplitFileName(DatasetSplit split) => split switch
    {
        DatasetSplit.Train => "Flickr_8k.trainImages.txt",
        DatasetSplit.Dev => "Flickr_8k.devImages.txt",
        DatasetSplit.Test => "Flickr_8k.testImages.txt",
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown split."),
    };

    /// <summary>
    /// The same dataset with more captions for training images, each appended <paramref name="copies"/> times after the
    /// image's own: for instance a stronger model's captions of the train split, so that a decoder learns from them
    /// too (sequence-level distillation). Dev and test keep their captions, so every score stays against people's.
    /// </summary>
    /// <exception cref="DatasetFormatException">An image is not in the train split (<paramref name="source"/> and its line named).</exception>
    public Flickr8kDataset WithExtraTrainCaptions(IEnumerable<(string Image, string Caption, int Line)> extra, int copies, string source)
    {
        ArgumentNullException.ThrowIfNull(extra);
        ArgumentOutOfRangeException.ThrowIfLessThan(copies, 1);
        var train = new HashSet<string>(Split(DatasetSplit.Train), StringComparer.Ordinal);
        var captions = Captions.ToDictionary(kv => kv.Key, kv => kv.Value.ToList(), StringComparer.Ordinal);
        foreach (var (image, caption, line) in extra)
        {
            if (!train.Contains(image))
                throw new DatasetFormatException(source, $"{source}, line {line}: '{image}' is not a train-split image; extra captions are for training images only.");
            for (int c = 0; c < copies; c++) captions[image].Add(caption);
        }
        return new Flickr8kDataset(Directory, ImagesDirectory,
            captions.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.AsReadOnly(), StringComparer.Ordinal), SkippedEntries, _splits);
    }

    /// <summary>
    /// Reads the captions (<c>Flickr8k.token.txt</c>, else <c>captions.txt</c>) and whichever split files exist;
    /// <paramref name="log"/> gets one line per notable event (caption file read, entries skipped).
    /// </summary>
    /// <exception cref="DatasetFormatException">The folder, its images or its caption file are missing, or a caption line is malformed (file and line named).</exception>
    public static Flickr8kDataset Load(string directory, Action<string>? log = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        directory = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(directory))
            throw new DatasetFormatException(directory, $"The Flickr8k folder '{directory}' does not exist.");

        string imagesDirectory = FindImagesDirectory(directory);
        var existingImages = new HashSet<string>(
            System.IO.Directory.EnumerateFiles(imagesDirectory).Select(Path.GetFileName)!, StringComparer.Ordinal);

        List<CaptionEntry> entries = ReadCaptionFile(directory, log);
        var captions = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var missing = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (CaptionEntry entry in entries)
        {
            if (!existingImages.Contains(entry.ImageName))
            {
                missing[entry.ImageName] = missing.GetValueOrDefault(entry.ImageName) + 1;
                continue;
            }
            if (!captions.TryGetValue(entry.ImageName, out List<string>? list))
                captions[entry.ImageName] = list = new List<string>(5);
            list.Add(entry.Caption);
        }
        int skipped = missing.Values.Sum();
        if (skipped > 0)
            log?.Invoke($"Skipped {skipped} caption entries of {missing.Count} image(s) not in '{imagesDirectory}': "
                + string.Join(", ", missing.Take(5).Select(kv => $"{kv.Key} ({kv.Value}×)")) + (missing.Count > 5 ? ", …" : "") + ".");

        var readOnlyCaptions = captions.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.AsReadOnly(), StringComparer.Ordinal);
        var splits = Enum.GetValues<DatasetSplit>().ToDictionary(s => s, s => ReadSplit(directory, s, readOnlyCaptions, log));
        return new Flickr8kDataset(directory, imagesDirectory, readOnlyCaptions, skipped, splits);
    }

    private static string FindImagesDirectory(string directory)
    {
        foreach (string name in ImageFolderNames)
        {
            string candidate = Path.Combine(directory, name);
            if (System.IO.Directory.Exists(candidate))
                return candidate;
        }
        throw new DatasetFormatException(directory, $"The Flickr8k folder '{directory}' has no 'images' folder.");
    }

    private static List<CaptionEntry> ReadCaptionFile(string directory, Action<string>? log)
    {
        string tokenFile = Path.Combine(directory, CaptionFileReader.TokenFileName);
        if (File.Exists(tokenFile))
        {
            var entries = CaptionFileReader.ReadTokenFile(tokenFile);
            log?.Invoke($"Read {entries.Count} caption entries from {CaptionFileReader.TokenFileName}.");
            return entries;
        }
        string kaggleFile = Path.Combine(directory, CaptionFileReader.KaggleFileName);
        if (File.Exists(kaggleFile))
        {
            var entries = CaptionFileReader.ReadKaggleFile(kaggleFile);
            log?.Invoke($"Read {entries.Count} caption entries from {CaptionFileReader.KaggleFileName}.");
            return entries;
        }
        throw new DatasetFormatException(directory,
            $"The Flickr8k folder '{directory}' has neither {CaptionFileReader.TokenFileName} nor {CaptionFileReader.KaggleFileName}.");
    }

    /// <summary>The split's images in file order, or null when its file is absent (reported only if the split is asked for).</summary>
    private static IReadOnlyList<string>? ReadSplit(string directory, DatasetSplit split,
        IReadOnlyDictionary<string, IReadOnlyList<string>> captions, Action<string>? log)
    {
        string path = Path.Combine(directory, SplitFileName(split));
        if (!File.Exists(path))
            return null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var images = new List<string>();
        int withoutCaptions = 0;
        foreach (string line in File.ReadLines(path))
        {
            string name = line.Trim();
            if (name.Length == 0 || !seen.Add(name))
                continue;
            if (captions.ContainsKey(name))
                images.Add(name);
            else
                withoutCaptions++;
        }
        if (withoutCaptions > 0)
            log?.Invoke($"{SplitFileName(split)}: left out {withoutCaptions} image(s) that have no captions or do not exist.");
        return images.AsReadOnly();
    }
}
