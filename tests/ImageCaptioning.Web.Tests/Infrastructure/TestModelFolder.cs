using ImageCaptioning.Data;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;

namespace ImageCaptioning.Web.Tests.Infrastructure;

/// <summary>
/// Writes a small decoder model folder (the real format: config, vocabulary, safetensors, card, checksums)
/// that reads the real encoder's 7×7×1280 grid, so the web app runs the whole pipeline without a trained
/// model. Its weights are random except that the next word is forced to follow <see cref="Chain"/> (one-hot
/// embeddings and a strong output weight from each word to its successor), so captions read like a sentence
/// and hold HTML-like words at known places; attention keeps its random weights and so depends on the image.
/// &lt;end&gt; is suppressed: a caption always has exactly maxLength words.
/// </summary>
public static class TestModelFolder
{
    public static IReadOnlyList<string> MarkupWords { get; } =
        ["<b>bold</b>", "<img/src=x/onerror=alert(1)>", "<script>alert(2)</script>", "&amp;", "\"quoted\"", "'apostrophe'"];

    /// <summary>Every word of the vocabulary in the order captions follow (then it starts again).</summary>
    public static IReadOnlyList<string> Chain { get; } =
    [
        "a", "dog", "<b>bold</b>", "runs", "on", "the", "grass", "with", "red", "ball", "<img/src=x/onerror=alert(1)>", "in",
        "water", "&amp;", "cat", "sits", "\"quoted\"", "'apostrophe'", "<script>alert(2)</script>", "man", "child", "street",
    ];

    public static int VocabularySize => Vocabulary.SpecialTokens.Count + Chain.Count;

    public const double CardBleu4 = 0.1234;
    public const double CardCiderD = 0.5678;

    public static string ModelCard { get; } = $"""
        # Test decoder (random weights)

        ## Measured quality

        | metric | score |
        | --- | --- |
        | BLEU-4 | {CardBleu4} |
        | CIDEr-D | {CardCiderD} |
        """;

    /// <summary>How strongly a word calls its successor (a logit margin: the successor gets almost all the probability).</summary>
    private const float ChainStrength = 12f;

    public static void Write(string folder, int seed = 11)
    {
        var vocabulary = Vocabulary.Build(Chain.Select(w => (IReadOnlyList<string>)[w]), minCount: 1);
        var config = new DecoderConfig
        {
            // Tiny, to keep the tests about the web app; M ≥ V so every word can have a one-hot embedding.
            FeatureDim = 32, AttentionDim = 16, EmbeddingDim = 32, HiddenDim = 32,
            VocabSize = vocabulary.Count, Dropout = 0f,
        };
        var parameters = DecoderParameters.CreateRandom(config, seed);
        int m = config.EmbeddingDim;
        Array.Clear(parameters.Embedding);
        for (int word = 0; word < config.VocabSize; word++)
            parameters.Embedding[word * m + word] = 1f; // E y = one-hot(y); the deep output adds E y to o
        int previous = Vocabulary.StartId;
        foreach (string word in Chain.Append(Chain[0]))
        {
            int next = vocabulary.IdOf(word);
            parameters.OutputWeight[next * m + previous] = ChainStrength; // logits[next] += strength when y_{t-1} = previous
            previous = next;
        }
        for (int i = 0; i < parameters.ScoreWeight.Length; i++)
            parameters.ScoreWeight[i] *= 60f; // sharper attention than random weights give, so the maps show something
        parameters.OutputBias[Vocabulary.EndId] = -1e4f;
        new DecoderModel(parameters, vocabulary, ModelCard).Save(folder);
        WriteOutOfDistributionReference(folder);
    }

    /// <summary>
    /// Threshold of the test folder's out-of-distribution check: above any possible score (pooled features and references
    /// are non-negative, so the cosine distance is at most 1), so no test image is flagged and the page shows no note
    /// unless a test asks for one.
    /// </summary>
    public const double OutOfDistributionThreshold = 1.5;

    /// <summary>Two reference features (unit vectors along channels 0 and 1), k = 1: enough for the API to report the check.</summary>
    private static void WriteOutOfDistributionReference(string folder)
    {
        const int channels = ImageCaptioning.Encoder.EncoderGeometry.Channels;
        var reference = new float[2 * channels];
        reference[0] = reference[channels + 1] = 1f;
        var detector = new ImageCaptioning.OutOfDistribution.FeatureNeighbourDetector(reference, channels, neighbours: 1,
            OutOfDistributionThreshold, "test reference set");
        ImageCaptioning.OutOfDistribution.OutOfDistributionCalibration.SaveInto(detector, folder);
    }
}
