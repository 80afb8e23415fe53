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
