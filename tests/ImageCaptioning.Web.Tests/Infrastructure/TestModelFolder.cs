using ImageCaptioning.Data;
using ImageCaptioning.Decoder;

namespace ImageCaptioning.Web.Tests.Infrastructure;

/// <summary>
/// Writes a small random decoder model folder (the real format: config, vocabulary, safetensors, card,
/// checksums) that reads the real encoder's 7×7×1280 grid, so the web app runs the whole pipeline
/// without a trained model. Its vocabulary holds HTML-like words, favoured by the output bias, so the
/// escaping of captions is exercised by every caption; &lt;end&gt; is suppressed, so a caption always
/// has exactly maxLength words.
/// </summary>
public static class TestModelFolder
{
    public static IReadOnlyList<string> PlainWords { get; } =
        ["a", "dog", "cat", "man", "child", "runs", "sits", "on", "in", "the", "grass", "water", "street", "ball", "red", "with"];

    public static IReadOnlyList<string> MarkupWords { get; } =
        ["<b>bold</b>", "<img/src=x/onerror=alert(1)>", "<script>alert(2)</script>", "&amp;", "\"quoted\"", "'apostrophe'"];

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

    public static void Write(string folder, int seed = 11)
    {
        var words = PlainWords.Concat(MarkupWords).ToList();
        var vocabulary = Vocabulary.Build(words.Select(w => (IReadOnlyList<string>)[w]), minCount: 1);
        var config = new DecoderConfig
        {
            FeatureDim = 32, AttentionDim = 16, EmbeddingDim = 16, HiddenDim = 32, // tiny: the tests time the web app, not the model
            VocabSize = vocabulary.Count, Dropout = 0f,
        };
        var parameters = DecoderParameters.CreateRandom(config, seed);
        parameters.OutputBias[Vocabulary.EndId] = -1e4f; // never ends: captions are exactly maxLength words long
        foreach (string word in MarkupWords)
            parameters.OutputBias[vocabulary.IdOf(word)] = 3f; // markup words appear in practically every caption
        new DecoderModel(parameters, vocabulary, ModelCard).Save(folder);
    }
}
