using ImageCaptioning.Data;

namespace ImageCaptioning.Tests.Data;

public sealed class CaptionTokenizerTests
{
    [Theory]
    [InlineData("A child in a pink dress .", new[] { "a", "child", "in", "a", "pink", "dress" })]
    [InlineData("A dog's T-shirt , RED!", new[] { "a", "dogs", "tshirt", "red" })]
    [InlineData("Young boy with a black \" ADHD \" t-shirt", new[] { "young", "boy", "with", "a", "black", "adhd", "tshirt" })]
    [InlineData("  two\tdogs\n play  ", new[] { "two", "dogs", "play" })]
    [InlineData("3.5 kids", new[] { "35", "kids" })]
    [InlineData("Café ÉLAN", new[] { "café", "élan" })]
    public void Tokenize_follows_the_documented_rules(string caption, string[] expected)
    {
        Assert.Equal(expected, CaptionTokenizer.Tokenize(caption));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(" . , ! ")]
    public void Tokenize_gives_no_words_for_empty_or_punctuation_only_captions(string caption)
    {
        Assert.Empty(CaptionTokenizer.Tokenize(caption));
    }

    [Fact]
    public void Tokenize_never_produces_a_special_token()
    {
        Assert.Equal(["pad", "unk"], CaptionTokenizer.Tokenize("<pad> <unk>"));
    }
}
