using ImageCaptioning.Data;
using ImageCaptioning.Decoding;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Tests.Model;

namespace ImageCaptioning.Tests.Decoding;

/// <summary>
/// Novel words in guided decoding, on a hand-made decoder: the decoder writes the proxy (its weights, its probability) and
/// the caption shows the novel word there, with text, words, token ids, attention and the "from tags" mark agreeing.
/// </summary>
public sealed class NovelWordDecodingTests
{
    // ids: 4 "a", 5 "an", 6 "animal", 7 "runs", 8 "x8" (a weak second choice everywhere), 9..11 unused.
    private static readonly Vocabulary Words = Vocabulary.Build(
        [.. new[] { "a", "an", "animal", "runs", "x8", "x9", "x10", "x11" }.SelectMany((w, i) => Enumerable.Repeat(new[] { w }, 8 - i))], minCount: 1);

    private static IReadOnlyList<GeneratedCaption> Generate(Dictionary<int, int> next, CaptionConstraints? constraints)
    {
        var forced = TestModels.Forced(next, strength: 10f, outputBias: new Dictionary<int, float> { [8] = 2f });
        var model = new DecoderModel(forced.Parameters, Words);
        var grid = TestModels.RandomGrids(1, model.Config, 1);
        return model.CreateGenerator().Generate(grid, 1, new DecodingOptions { BeamWidth = 3, NBest = 3 }, [constraints])[0];
    }

    private static CaptionConstraints Novel(string proxy, string novel) =>
        new([proxy], []) { ShownAs = new Dictionary<string, string> { [proxy] = novel } };

    [Fact]
    public void The_vocabulary_is_as_the_tests_assume() =>
        Assert.Equal(["a", "an", "animal", "runs", "x8"], Enumerable.Range(4, 5).Select(Words.WordOf));

    [Theory]
    [InlineData(4, "owl", "an owl runs")] // the decoder wrote "a animal": the article agrees with the word shown
    [InlineData(4, "pig", "a pig runs")]
    [InlineData(5, "pig", "a pig runs")]  // "an animal" → "a pig"
    [InlineData(5, "owl", "an owl runs")]
    public void The_novel_word_is_shown_in_place_of_its_proxy_and_the_article_agrees(int article, string novel, string expected)
    {
        var next = new Dictionary<int, int> { [Vocabulary.StartId] = article, [article] = 6, [6] = 7, [7] = Vocabulary.EndId };
        var plain = Generate(next, null)[0];
        Assert.Equal($"{Words.WordOf(article)} animal runs", plain.Text);

        var guided = Generate(next, Novel("animal", novel))[0];
        Assert.Equal(expected, guided.Text);
        Assert.Equal(expected.Split(' '), guided.Words);
        Assert.Equal(string.Join(' ', guided.Words), guided.Text);
        Assert.Equal(plain.TokenIds, guided.TokenIds);                 // what the decoder read and scored: the proxy
        Assert.Equal(plain.LogProbability, guided.LogProbability, 1e-9); // the novel word's probability is the proxy's
        Assert.Equal(guided.Words.Count, guided.Attention.Count);        // one attention map per word shown
        Assert.Equal(plain.Attention, guided.Attention);
        Assert.True(guided.ConstraintMet);
        Assert.Equal([1], guided.ConstrainedWordIndices);                // the novel word is the word from tags
    }

    [Fact]
    public void A_proxy_the_plain_beam_leaves_out_is_placed_and_shown_as_the_novel_word()
    {
        var next = new Dictionary<int, int> { [Vocabulary.StartId] = 7, [7] = Vocabulary.EndId, [8] = 7 };
        Assert.DoesNotContain("x8", Generate(next, null)[0].Words);
        var best = Generate(next, Novel("x8", "koala"))[0];
        int at = Assert.Single(best.ConstrainedWordIndices);
        Assert.Equal("koala", best.Words[at]);
        Assert.Equal(Words.IdOf("x8"), best.TokenIds[at]);
        Assert.DoesNotContain("x8", best.Words.Take(at)); // the first proxy is where the constraint was met
    }

    [Fact]
    public void Later_occurrences_of_the_proxy_stay_the_proxy()
    {
        // <start> a animal runs animal <end>: only the first "animal" met the constraint.
        var next = new Dictionary<int, int> { [Vocabulary.StartId] = 4, [4] = 6, [6] = 7, [7] = 9, [9] = Vocabulary.EndId };
        var guided = Generate(next, Novel("animal", "pig"))[0];
        Assert.Equal("a pig runs x9", guided.Text);
        Assert.Equal([1], guided.ConstrainedWordIndices);
    }

    [Fact]
    public void Without_its_constraint_a_novel_word_never_appears()
    {
        // The constraint cannot be met (the proxy is also forbidden): the plain caption, no novel word anywhere.
        var next = new Dictionary<int, int> { [Vocabulary.StartId] = 4, [4] = 6, [6] = 7, [7] = Vocabulary.EndId };
        var guided = Generate(next, new CaptionConstraints(["animal"], ["animal"]) { ShownAs = new Dictionary<string, string> { ["animal"] = "pig" } });
        Assert.All(guided, c => Assert.DoesNotContain("pig", c.Words));
        Assert.All(guided, c => Assert.Empty(c.ConstrainedWordIndices));
    }

    [Theory]
    [InlineData("owl", "an")]
    [InlineData("pig", "a")]
    [InlineData("elephant", "an")]
    [InlineData("unicorn", "a")]
    [InlineData("umbrella", "an")]
    [InlineData("hour", "an")]
    [InlineData("european", "a")]
    [InlineData("red panda", "a")]
    public void The_indefinite_article_follows_the_first_sound(string word, string article) =>
        Assert.Equal(article, IndefiniteArticle.For(word));
}
