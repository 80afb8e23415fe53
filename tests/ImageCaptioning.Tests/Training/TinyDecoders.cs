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
