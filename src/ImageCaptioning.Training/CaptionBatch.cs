namespace ImageCaptioning.Training;

/// <summary>
/// A teacher-forcing batch: B captions sorted by length (longest first) with their images' feature grids.
/// Token row b is <c>&lt;start&gt; w1 … wn &lt;end&gt;</c> padded; at step t the first <see cref="ActiveRows"/>(t)
/// captions read token t and must predict token t + 1, so the batch shrinks as short captions end.
/// </summary>
public sealed class CaptionBatch
{
    /// <summary>B.</summary>
    public int Size { get; }
    /// <summary>Feature grids [B, P, E], row b is caption b's image.</summary>
    public float[] Grids { get; }
    /// <summary>Tokens [B, MaxSteps + 1] (row-major), padded with &lt;pad&gt;.</summary>
    public int[] Tokens { get; }
    /// <summary>Predictions per caption (words + &lt;end&gt;), non-increasing.</summary>
    public int[] Lengths { get; }
    public int MaxSteps => Lengths.Length == 0 ? 0 : Lengths[0];
    public int TokenCount => Lengths.Sum();
    /// <summary>Image names, for logging and tests.</summary>
    public string[] Images { get; }

    /// <summary>
    /// Optional weight per caption [B] multiplying its cross-entropy (null = all 1). Self-critical training stores each
    /// sampled caption's advantage (reward − baseline) here.
    /// </summary>
    public float[]? Weights { get; }

    public CaptionBatch(float[] grids, int[] tokens, int[] lengths, string[] images, float[]? weights = null)
    {
        for (int b = 1; b < lengths.Length; b++)
            if (lengths[b] > lengths[b - 1]) throw new ArgumentException("captions must be sorted by length, longest first");
        if (weights is not null && weights.Length != lengths.Length) throw new ArgumentException("one weight per caption");
        Size = lengths.Length; Grids = grids; Tokens = tokens; Lengths = lengths; Images = images; Weights = weights;
    }

    /// <summary>
    /// Packs captions of images whose grids lie in <paramref name="grids"/> ([images, P, E]) into a batch: sorted longest
    /// first (stable), row <c>&lt;start&gt; words [&lt;end&gt;]</c> padded, each row with a copy of its image's grid.
    /// A caption cut off before &lt;end&gt; (<c>Ends</c> false) predicts only its words.
    /// </summary>
    /// <param name="weighted">Keep each row's <c>Weight</c> as <see cref="Weights"/>; false leaves them null (all 1).</param>
    public static CaptionBatch Pack(ReadOnlySpan<float> grids, int gridFloats, IReadOnlyList<string> images,
        IEnumerable<(int Image, IReadOnlyList<int> Words, bool Ends, float Weight)> captions, bool weighted)
    {
        static int Predictions((int Image, IReadOnlyList<int> Words, bool Ends, float Weight) c) => c.Words.Count + (c.Ends ? 1 : 0);
        var sorted = captions.OrderByDescending(Predictions).ToArray();
        if (sorted.Length == 0) throw new ArgumentException("a batch needs at least one caption", nameof(captions));

        int n = sorted.Length, maxSteps = Predictions(sorted[0]);
        var tokens = new int[n * (maxSteps + 1)];                          // [n, maxSteps + 1], padded with <pad> = 0
        var lengths = new int[n];
        var weights = weighted ? new float[n] : null;
        var batchGrids = new float[n * gridFloats];                        // [n, P, E]
        var names = new string[n];
        for (int b = 0; b < n; b++)
        {
            var (image, words, ends, weight) = sorted[b];
            int at = b * (maxSteps + 1);
            tokens[at] = Data.Vocabulary.StartId;
            for (int t = 0; t < words.Count; t++) tokens[at + 1 + t] = words[t];
            if (ends) tokens[at + 1 + words.Count] = Data.Vocabulary.EndId;
            lengths[b] = Predictions(sorted[b]);
            if (weights is not null) weights[b] = weight;
            grids.Slice(image * gridFloats, gridFloats).CopyTo(batchGrids.AsSpan(b * gridFloats, gridFloats));
            names[b] = images[image];
        }
        return new CaptionBatch(batchGrids, tokens, lengths, names, weights);
    }

    /// <summary>Captions still running at step t (those with more than t predictions).</summary>
    public int ActiveRows(int t)
    {
        int rows = 0;
        while (rows < Size && Lengths[rows] > t) rows++;
        return rows;
    }

    /// <summary>Token t of the first <paramref name="rows"/> captions (inputs at step t; targets when called with t + 1).</summary>
    public void TokensAt(int t, int rows, int[] destination)
    {
        int width = MaxSteps + 1;
        for (int b = 0; b < rows; b++) destination[b] = Tokens[b * width + t];
    }
}
