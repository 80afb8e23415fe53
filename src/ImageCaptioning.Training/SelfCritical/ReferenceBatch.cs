using ImageCaptioning.Data;

namespace ImageCaptioning.Training.SelfCritical;

/// <summary>
/// The step's images' reference captions as a plain teacher-forcing batch (no weights: every token counts once), for the
/// cross-entropy term self-critical training can add to its policy gradient (<see cref="SelfCriticalOptions.XeWeight"/>).
/// </summary>
public static class ReferenceBatch
{
    /// <param name="grids">[images, P, E] grids of the step's images.</param>
    /// <param name="references">Per image the references to use, as word ids without &lt;start&gt;/&lt;end&gt;.</param>
    public static CaptionBatch Build(ReadOnlySpan<float> grids, int gridFloats, IReadOnlyList<string> images, IReadOnlyList<IReadOnlyList<int[]>> references)
    {
        var rows = new List<(int Image, int[] Words)>();
        for (int i = 0; i < images.Count; i++)
            foreach (var words in references[i]) rows.Add((i, words));
        if (rows.Count == 0) throw new ArgumentException("the cross-entropy term needs at least one reference caption");
        var sorted = rows.OrderByDescending(row => row.Words.Length).ToArray();   // longest first, as CaptionBatch requires

        int n = sorted.Length, maxSteps = sorted[0].Words.Length + 1;     // words + <end>
        var tokens = new int[n * (maxSteps + 1)];                           // [n, maxSteps + 1], padded with <pad> = 0
        var lengths = new int[n];
        var batchGrids = new float[n * gridFloats];                         // [n, P, E]
        var names = new string[n];
        for (int b = 0; b < n; b++)
        {
            var (image, words) = sorted[b];
            int at = b * (maxSteps + 1);
            tokens[at] = Vocabulary.StartId;
            words.CopyTo(tokens, at + 1);
            tokens[at + 1 + words.Length] = Vocabulary.EndId;
            lengths[b] = words.Length + 1;
            grids.Slice(image * gridFloats, gridFloats).CopyTo(batchGrids.AsSpan(b * gridFloats, gridFloats));
            names[b] = images[image];
        }
        return new CaptionBatch(batchGrids, tokens, lengths, names);
    }

    /// <summary>
    /// The <paramref name="count"/> references an image uses in <paramref name="epoch"/>: consecutive ones from epoch·count,
    /// wrapping around, so successive epochs rotate through all of them (a deterministic choice: resume stays exact).
    /// </summary>
    public static IReadOnlyList<int[]> Pick(IReadOnlyList<int[]> all, int epoch, int count)
    {
        if (all.Count == 0) throw new ArgumentException("an image without reference captions");
        int take = Math.Min(count, all.Count);
        var picked = new int[take][];
        for (int j = 0; j < take; j++) picked[j] = all[(int)(((long)epoch * count + j) % all.Count)];
        return picked;
    }
}
