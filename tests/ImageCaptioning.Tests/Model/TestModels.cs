using ImageCaptioning.Data;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;

namespace ImageCaptioning.Tests.Model;

/// <summary>Small decoders for decoding and model-format tests: random ones and a hand-built one whose next word is forced.</summary>
internal static class TestModels
{
    public static DecoderConfig TinyConfig(int vocabularySize = 12, int positions = 49, int encoderDim = 8) => new()
    {
        Positions = positions, EncoderDim = encoderDim, FeatureDim = 6, AttentionDim = 5, EmbeddingDim = 4, HiddenDim = 7,
        VocabSize = vocabularySize, Dropout = 0f,
    };

    /// <summary>The 4 special tokens + words w4, w5, … so that word "wN" has id N.</summary>
    public static Vocabulary Vocabulary(int size)
    {
        // Build sorts by descending count: give wN a count that falls with N.
        var captions = new List<string[]>();
        for (int id = 4; id < size; id++)
            for (int copy = 0; copy < size - id; copy++)
                captions.Add([$"w{id}"]);
        var vocabulary = ImageCaptioning.Data.Vocabulary.Build(captions, minCount: 1);
        for (int id = 4; id < size; id++)
            Assert.Equal(id, vocabulary.IdOf($"w{id}"));
        return vocabulary;
    }

    public static DecoderModel RandomModel(int seed, DecoderConfig? config = null)
    {
        config ??= TinyConfig();
        return DecoderModel.CreateRandom(config, Vocabulary(config.VocabSize), seed);
    }

    /// <summary>Scales every weight so the random model's word distribution is peaked, not near-uniform (more varied beams and real &lt;end&gt;s).</summary>
    public static DecoderModel Sharpened(DecoderModel model, float outputScale)
    {
        for (int i = 0; i < model.Parameters.OutputWeight.Length; i++) model.Parameters.OutputWeight[i] *= outputScale;
        for (int i = 0; i < model.Parameters.Embedding.Length; i++) model.Parameters.Embedding[i] *= outputScale;
        return model;
    }

    public static float[] RandomGrids(int images, DecoderConfig config, int seed)
    {
        var rng = new Random(seed);
        var grids = new float[images * config.Positions * config.EncoderDim];
        for (int i = 0; i < grids.Length; i++) grids[i] = rng.NextSingle() * 3f; // non-negative like ReLU6 features
        return grids;
    }

    /// <summary>
    /// A decoder whose next word depends only on the previous one: every weight is zero except a one-hot embedding
    /// (M = V) and an output matrix with logit <paramref name="strength"/> for <paramref name="next"/>[previous word]
    /// (plus <paramref name="outputBias"/>). Attention is then uniform: all scores are 0.
    /// </summary>
    public static DecoderModel Forced(IReadOnlyDictionary<int, int> next, float strength = 20f, int vocabularySize = 12,
        IReadOnlyDictionary<int, float>? outputBias = null)
    {
        var config = TinyConfig(vocabularySize) with { EmbeddingDim = vocabularySize };
        var parameters = new DecoderParameters(config);
        int v = config.VocabSize, m = config.EmbeddingDim;
        for (int word = 0; word < v; word++)
            parameters.Embedding[word * m + word] = 1f;                      // E y = one-hot(y)
        foreach (var (previous, following) in next)
            parameters.OutputWeight[following * m + previous] = strength;    // logits[k] = W_o[k, y]
        foreach (var (token, bias) in outputBias ?? new Dictionary<int, float>())
            parameters.OutputBias[token] = bias;
        return new DecoderModel(parameters, Vocabulary(v));
    }
}
