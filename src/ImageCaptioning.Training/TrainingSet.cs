using ImageCaptioning.Data;

namespace ImageCaptioning.Training;

/// <summary>Captions of one split as vocabulary ids, paired with where each image's grid is.</summary>
public sealed class TrainingSet
{
    public sealed record Example(int GridIndex, string Image, int[] Words);

    public IReadOnlyList<Example> Examples { get; }
    public IReadOnlyList<string> Images { get; }
    public IGridSource Grids { get; }
    /// <summary>The vocabulary the caption ids are of.</summary>
    public Vocabulary Vocabulary { get; }
    /// <summary>Captions dropped for being longer than the word limit.</summary>
    public int DroppedLongCaptions { get; }
    /// <summary>
    /// Grids of the same images mirrored left–right (augmentation; null = none). The grid index of an image is looked up
    /// by name in this source, since its slot order may differ.
    /// </summary>
    public IGridSource? MirroredGrids { get; private init; }
    /// <summary>Word-id swaps that mirroring implies ("left" ↔ "right"): id → id, only for words in the vocabulary.</summary>
    public IReadOnlyDictionary<int, int> MirroredWords { get; private init; } = new Dictionary<int, int>();

    private TrainingSet(IReadOnlyList<Example> examples, IReadOnlyList<string> images, IGridSource grids, Vocabulary vocabulary, int dropped)
    {
        Examples = examples; Images = images; Grids = grids; Vocabulary = vocabulary; DroppedLongCaptions = dropped;
    }

    /// <summary>
    /// The same set with a mirrored-image grid source for augmentation; every image must be in it. Captions of a mirrored
    /// image swap "left" and "right".
    /// </summary>
    public TrainingSet WithMirroredGrids(IGridSource mirrored)
    {
        if (mirrored.Positions != Grids.Positions || mirrored.Channels != Grids.Channels)
            throw new Errors.ImageCaptioningException(
                $"The mirrored feature cache holds {mirrored.Positions}×{mirrored.Channels} grids, the features {Grids.Positions}×{Grids.Channels}.");
        foreach (string image in Images)
            if (!mirrored.TryGetIndex(image, out _))
                throw new Errors.ImageCaptioningException(
                    $"The mirrored feature cache has no features for '{image}': run `extract --mirror` for this split first.");
        var swaps = new Dictionary<int, int>();
        int left = Vocabulary.IdOf("left"), right = Vocabulary.IdOf("right");
        if (left != Vocabulary.UnknownId && right != Vocabulary.UnknownId) { swaps[left] = right; swaps[right] = left; }
        return new TrainingSet(Examples, Images, Grids, Vocabulary, DroppedLongCaptions) { MirroredGrids = mirrored, MirroredWords = swaps };
    }

    /// <summary>
    /// Tokenises the captions of <paramref name="images"/> (their raw captions from <paramref name="captions"/>);
    /// every image must have a grid in <paramref name="grids"/>, or the error names the first missing one and how to extract it.
    /// </summary>
    public static TrainingSet Create(IReadOnlyList<string> images, IReadOnlyDictionary<string, IReadOnlyList<string>> captions,
        Vocabulary vocabulary, IGridSource grids, int maxWords)
    {
        var examples = new List<Example>();
        int dropped = 0;
        foreach (string image in images)
        {
            if (!grids.TryGetIndex(image, out int gridIndex))
                throw new Errors.ImageCaptioningException(
                    $"The feature cache has no features for '{image}': run `extract` for this split first.");
            foreach (string caption in captions[image])
            {
                var tokens = CaptionTokenizer.Tokenize(caption);
                if (tokens.Count == 0) continue;
                if (tokens.Count > maxWords) { dropped++; continue; }
                examples.Add(new Example(gridIndex, image, vocabulary.Encode(tokens, addStartEnd: false)));
            }
        }
        return new TrainingSet(examples, images, grids, vocabulary, dropped);
    }
}
