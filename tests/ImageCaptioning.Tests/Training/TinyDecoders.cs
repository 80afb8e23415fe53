using ImageCaptioning.Model;
using ImageCaptioning.Training;

namespace ImageCaptioning.Tests.Training;

/// <summary>Small random decoders and batches for fast tests.</summary>
internal static class TinyDecoders
{
    public static DecoderConfig Config(float dropout = 0f) => new()
    {
        Positions = 4, EncoderDim = 8, FeatureDim = 6, AttentionDim = 5, EmbeddingDim = 4, HiddenDim = 7, VocabSize = 12, Dropout = dropout,
    };

    /// <summary><see cref="Config"/> reading the encoder's 14×14+7×7 grid (196 cells of 576 own + 1280 parent channels).</summary>
    public static DecoderConfig ParentCellConfig(float dropout = 0f) => Config(dropout) with
    {
        Positions = ParentCellLayout.FineWithContext.Positions, EncoderDim = ParentCellLayout.FineWithContext.Channels,
    };

    /// <summary>Random grids of <paramref name="layout"/>: each cell's own values, then its parent's (the same in its four cells).</summary>
    public static float[] ParentCellGrids(int images, ParentCellLayout layout, int seed)
    {
        var rng = new Random(seed);
        int P = layout.Positions, C = layout.Channels, own = layout.OwnChannels;
        var parents = new float[images * layout.ParentPositions * layout.ParentChannels];
        for (int i = 0; i < parents.Length; i++) parents[i] = rng.NextSingle() * 2f;
        var grids = new float[images * P * C];
        for (int n = 0; n < images; n++)
            for (int p = 0; p < P; p++)
            {
                var cell = grids.AsSpan((n * P + p) * C, C);
                for (int c = 0; c < own; c++) cell[c] = rng.NextSingle() * 2f;
                parents.AsSpan((n * layout.ParentPositions + layout.ParentOf(p)) * layout.ParentChannels, layout.ParentChannels).CopyTo(cell[own..]);
            }
        return grids;
    }

    /// <summary>Random grids for <paramref name="config"/>, with the parent-cell layout when its size has one.</summary>
    public static float[] GridsFor(int images, DecoderConfig config, int seed) =>
        config.ParentCells is { } layout ? ParentCellGrids(images, layout, seed) : RandomGrids(images, config, seed);

    public static float[] RandomGrids(int images, DecoderConfig config, int seed)
    {
        var rng = new Random(seed);
        var grids = new float[images * config.Positions * config.EncoderDim];
        for (int i = 0; i < grids.Length; i++) grids[i] = rng.NextSingle() * 2f; // non-negative like ReLU6 features
        return grids;
    }

    /// <summary>Captions (word ids ≥ 4) sorted longest first, each wrapped in &lt;start&gt; … &lt;end&gt;.</summary>
    public static CaptionBatch Batch(float[] grids, int[][] words)
    {
        int maxSteps = words.Max(w => w.Length) + 1;
        var tokens = new int[words.Length * (maxSteps + 1)];
        for (int b = 0; b < words.Length; b++)
        {
            tokens[b * (maxSteps + 1)] = 1;                                    // <start>
            words[b].CopyTo(tokens, b * (maxSteps + 1) + 1);
            tokens[b * (maxSteps + 1) + 1 + words[b].Length] = 2;              // <end>
        }
        return new CaptionBatch(grids, tokens, words.Select(w => w.Length + 1).ToArray(),
            Enumerable.Range(0, words.Length).Select(i => $"img{i}.jpg").ToArray());
    }
}
