using ImageCaptioning.Data;
using ImageCaptioning.Metrics;

namespace ImageCaptioning.Evaluation;

/// <summary>The reference captions of a Flickr8k split, in the shape <see cref="CaptionEvaluator"/> takes.</summary>
public static class Flickr8kReferences
{
    /// <summary>Split names as the CLI accepts them.</summary>
    public static readonly IReadOnlyList<string> SplitNames = ["train", "dev", "test"];

    /// <summary>Image → its raw reference captions (file order), for every image of <paramref name="split"/>.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ForSplit(Flickr8kDataset dataset, DatasetSplit split)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return dataset.Split(split).ToDictionary(image => image, image => dataset.Captions[image], StringComparer.Ordinal);
    }

    /// <summary>"train" / "dev" / "test" (any case) as a <see cref="DatasetSplit"/>.</summary>
    public static DatasetSplit ParseSplit(string name) =>
        Enum.TryParse(name, ignoreCase: true, out DatasetSplit split) && Enum.IsDefined(split)
            ? split
            : throw new CaptionFileException($"Unknown Flickr8k split '{name}': use train, dev or test.");
}
