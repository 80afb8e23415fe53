using ImageCaptioning.Decoding;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Tests.Data;
using ImageCaptioning.Tests.Model;

namespace ImageCaptioning.Tests.Decoding;

/// <summary>Consensus re-ranking's length exponent α and CIDEr-D document-frequency weighting (training references' df).</summary>
public class ConsensusWeightingTests
{
    private static GeneratedCaption Caption(string text, double logProbability)
    {
        var words = text.Split(' ');
        return new GeneratedCaption(text, words, new int[words.Length], logProbability, logProbability, true, []);
    }

    private static IReadOnlyList<IReadOnlyList<string>> Image(params string[] references) => [.. references.Select(r => (IReadOnlyList<string>)r.Split(' '))];

    /// <summary>Four training images: "a" and "dog" are in every one, "red" in two, "ball" in one.</summary>
    private static ConsensusDocumentFrequencies Frequencies() => ConsensusDocumentFrequencies.FromReferences(
        [Image("a red dog"), Image("a red dog runs"), Image("a dog and a ball"), Image("a dog")],
        Vocab("a", "red", "dog", "runs", "and", "ball"), "four hand-made images");

    private static ImageCaptioning.Data.Vocabulary Vocab(params string[] words) =>
        ImageCaptioning.Data.Vocabulary.Build([words], minCount: 1);

    [Fact]
    public void TheTableCountsImagesNotCaptionsAndKeepsOnlyDocumentFrequenciesOfTwoOrMore()
    {
        var df = Frequencies();
        Assert.Equal(4, df.Images);
        Assert.Equal(Math.Log(4), df.LogFrequency("a"), 12);        // in all four images (twice in the third: still one image)
        Assert.Equal(Math.Log(2), df.LogFrequency("red"), 12);
        Assert.Equal(Math.Log(2), df.LogFrequency("a red dog"), 12);
        Assert.Equal(0.0, df.LogFrequency("ball"), 12);              // df 1: log(max(1, 1)) = 0, the same as absent
        Assert.Equal(0.0, df.LogFrequency("cat"), 12);
        Assert.Equal(0.0, df.LogFrequency("dog runs"), 12);          // df 1
        string saved = SavedText(df);
        Assert.Contains("\"a red dog\":2", saved);
        Assert.DoesNotContain("ball", saved);
        Assert.DoesNotContain("dog runs", saved);
    }

    private static string SavedText(ConsensusDocumentFrequencies df)
    {
        using var folder = new TemporaryFolder("cider-df");
        string path = folder.File(ConsensusDocumentFrequencies.FileName);
        DecodingFiles.SaveFrequencies(path, df);
        var back = DecodingFiles.ReadFrequencies(path);
        Assert.Equal((df.Images, df.Count, df.Source), (back.Images, back.Count, back.Source));
        Assert.Equal(df.Frequencies.OrderBy(kv => kv.Key, StringComparer.Ordinal), back.Frequencies.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        return File.ReadAllText(path);
    }

    [Fact]
    public void SimilarityUsesCiderDsTfIdfWeightsWithTheTrainingFrequencies()
    {
        var df = Frequencies();
        // "a dog" vs "a cat": unigram vectors a·(log 4 − log 4) = 0, dog (log 4 − log 4) = 0 → zero norms, similarity 0;
        // uniform weighting gives the shared "a" half the unigram cosine.
        Assert.Equal(0.0, ConsensusReranker.Similarity(["a", "dog"], ["a", "cat"], df), 12);
        Assert.Equal(1.25, ConsensusReranker.Similarity(["a", "dog"], ["a", "cat"]), 12);
        // "red dog" vs "red cat": red weighs log 4 − log 2, cat/dog log 4 (unseen) and log 4 − log 4 = 0:
        // unigram cosine = (log 2)² / (|red, dog| · |red, cat|) = (log 2)² / (log 2 · √((log 2)² + (log 4)²)); no shared bigram.
        double l2 = Math.Log(2), l4 = Math.Log(4);
        double expected = l2 * l2 / (l2 * Math.Sqrt(l2 * l2 + l4 * l4)) / 4 * 10;
        Assert.Equal(expected, ConsensusReranker.Similarity(["red", "dog"], ["red", "cat"], df), 12);
    }

    [Fact]
    public void RareSharedWordsOutweighCommonOnesUnderDocumentFrequencyWeighting()
    {
        // Two captions share the frame "a man in a", which is in every training image (weight log N − log N = 0);
        // the other two share the rarer "red kite flies". Uniform weights favour the longer shared frame.
        var frame = new[] { "a", "man", "in", "a man", "man in", "in a", "a man in", "man in a", "a man in a" };
        var df = new ConsensusDocumentFrequencies(100,
            frame.Select(g => KeyValuePair.Create(g, 100)).Concat([new("red", 5), new("kite", 3), new("flies", 10)]).ToDictionary(), "hand-made");
        var nBest = new[]
        {
            Caption("a man in a hat", -3.0),
            Caption("a man in a car", -3.0),
            Caption("red kite flies", -3.0),
            Caption("red kite flies high", -3.0),
        };
        var options = new DecodingOptions { ConsensusLogProbabilityWeight = 0f, ConsensusWeighting = ConsensusWeighting.DocumentFrequency };
        Assert.StartsWith("a man in a", ConsensusReranker.Rerank(nBest, 0f)[0].Text);
        Assert.StartsWith("red kite flies", ConsensusReranker.Rerank(nBest, options, df)[0].Text);
        Assert.Throws<ArgumentNullException>(() => ConsensusReranker.Rerank(nBest, options, frequencies: null));
    }

    [Fact]
    public void TheLengthExponentDecidesBetweenPerTokenAndWholeCaptionLogProbability()
    {
        // No consensus between them, λ large: α = 1 prefers the long caption (better per token), α = 0 the short one (higher log p).
        var nBest = new[] { Caption("w4 w5", -2.0), Caption("w6 w7 w8 w9 w10 w11 w4 w5 w6", -4.0) };
        var perToken = DecodingOptions.Default with { ConsensusLogProbabilityWeight = 100f };
        Assert.Equal("w6 w7 w8 w9 w10 w11 w4 w5 w6", ConsensusReranker.Rerank(nBest, perToken, null)[0].Text);
        Assert.Equal("w4 w5", ConsensusReranker.Rerank(nBest, perToken with { ConsensusLengthExponent = 0f }, null)[0].Text);
        // α = 1 is exactly the original formula.
        Assert.Equal(ConsensusReranker.Rerank(nBest, 100f).Select(c => c.Text), ConsensusReranker.Rerank(nBest, perToken, null).Select(c => c.Text));
    }

    [Fact]
    public void TheGeneratorRefusesDocumentFrequencyWeightingWithoutATableAndUsesItsOwn()
    {
        var model = TestModels.Sharpened(TestModels.RandomModel(5), 4f);
        var grids = TestModels.RandomGrids(3, model.Config, 5);
        var options = new DecodingOptions { MaxLength = 12, ConsensusWeighting = ConsensusWeighting.DocumentFrequency, ConsensusLogProbabilityWeight = 0f };
        var ex = Assert.Throws<InvalidDecodingOptionsException>(() => model.CreateGenerator().Generate(grids, 3, options));
        Assert.Contains("cider-df.json", ex.Message);
        // Re-ranking off: the weighting is not used, so no table is needed.
        Assert.Equal(3, model.CreateGenerator().Generate(grids, 3, options with { ConsensusRerank = false }).Count);

        var words = model.Vocabulary.Tokens.Skip(4).ToArray();
        var df = ConsensusDocumentFrequencies.FromReferences(
            [Image(string.Join(' ', words)), Image(string.Join(' ', words.Take(4))), Image(words[0])], model.Vocabulary, "test");
        var generator = new CaptionGenerator(model.CreateStepDecoder(), model.Vocabulary, df);
        var plain = generator.Generate(grids, 3, options with { ConsensusRerank = false });
        var reranked = generator.Generate(grids, 3, options);
        for (int i = 0; i < 3; i++)
            Assert.Equal(ConsensusReranker.Rerank(plain[i], options, df).Select(c => c.Text), reranked[i].Select(c => c.Text));
    }

    [Theory]
    [InlineData(-0.5f)]
    [InlineData(4.5f)]
    [InlineData(float.NaN)]
    public void AnOutOfRangeLengthExponentIsRefused(float alpha)
    {
        var ex = Assert.Throws<InvalidDecodingOptionsException>(() => new DecodingOptions { ConsensusLengthExponent = alpha });
        Assert.StartsWith("The consensus length exponent must be between 0 and 4", ex.Message);
        Assert.Throws<InvalidDecodingOptionsException>(() => new DecodingOptions { ConsensusWeighting = (ConsensusWeighting)9 });
    }
}
