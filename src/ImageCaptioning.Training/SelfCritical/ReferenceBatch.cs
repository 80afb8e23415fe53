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
        var captions = Enumerable.Range(0, images.Count)
            .SelectMany(i => references[i].Select(words => (Image: i, Words: (IReadOnlyList<int>)words, Ends: true, Weight: 1f)));
        return CaptionBatch.Pack(grids, gridFloats, images, captions, weighted: false);
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
