using ImageCaptioning.Data;

namespace ImageCaptioning.Web.Examples;

/// <summary>
/// The gallery's "random test photo": a random image of Flickr8k's test split, so a visitor sees the model on the kind
/// of photo it was trained for but never trained on. Only names listed in the test split file and not in the train
/// split file are served.
/// </summary>
public sealed class Flickr8kTestPhotos
{
    public const string ExampleId = "flickr8k-test";

    private readonly string _imagesDirectory;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _references;

    private Flickr8kTestPhotos(string imagesDirectory, IReadOnlyList<string> names, IReadOnlyDictionary<string, IReadOnlyList<string>> references)
    {
        _imagesDirectory = imagesDirectory;
        Names = names;
        _references = references;
    }

    /// <summary>The test images it picks from.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The gallery entry that stands for a random test photo.</summary>
    public static ExampleImage Example { get; } = new(ExampleId, "A random Flickr8k test photo",
        "Flickr8k test split (Hodosh, Young & Hockenmaier 2013, JAIR 47), research use only; a photo the model was not trained on",
        "image/jpeg", FilePath: null, Subjects: [], SourceUrl: "https://doi.org/10.1613/jair.3994", Random: true);

    /// <summary>
    /// The test photos of the Flickr8k folder, or null (with the reason logged) when no folder is configured or it has no
    /// usable test split.
    /// </summary>
    public static Flickr8kTestPhotos? TryLoad(string? folder, ILogger logger)
    {
        if (string.IsNullOrWhiteSpace(folder))
            return null;
        try
        {
            var dataset = Flickr8kDataset.Load(folder);
            var train = new HashSet<string>(SplitOrEmpty(dataset, DatasetSplit.Train), StringComparer.Ordinal);
            var names = dataset.Split(DatasetSplit.Test)
                .Where(name => !train.Contains(name) && name.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase))
                .ToList();
            if (names.Count == 0)
            {
                logger.LogWarning("The Flickr8k folder '{Folder}' has no test photos; the gallery has no random test photo.", folder);
                return null;
            }
            return new Flickr8kTestPhotos(dataset.ImagesDirectory, names,
                names.ToDictionary(name => name, name => dataset.Captions[name], StringComparer.Ordinal));
        }
        catch (Exception ex) when (ex is DatasetFormatException or IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("The gallery has no random test photo: {Reason}", ex.Message);
            return null;
        }
    }

    /// <summary>A random test photo: its file name and path.</summary>
    public (string Name, string Path) Next()
    {
        string name = Names[System.Random.Shared.Next(Names.Count)];
        return (name, System.IO.Path.Combine(_imagesDirectory, name));
    }

    /// <summary>The captions people wrote for test photo <paramref name="name"/> (Flickr8k's references), or null for any other name.</summary>
    public IReadOnlyList<string>? References(string name) => _references.GetValueOrDefault(name);

    private static IReadOnlyList<string> SplitOrEmpty(Flickr8kDataset dataset, DatasetSplit split)
    {
        try
        {
            return dataset.Split(split);
        }
        catch (DatasetFormatException)
        {
            return [];
        }
    }
}
