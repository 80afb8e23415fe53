using ImageCaptioning.Metrics;

namespace ImageCaptioning.Tests.Metrics;

/// <summary>The tokenisation coco-caption applies (Stanford PTBTokenizer -lowerCase, then its punctuation list).</summary>
public class PtbTokenizerTests
{
    private static string Tokens(string caption) => string.Join(" ", PtbTokenizer.Tokenize(caption));

    [Theory]
    [InlineData("A child in a pink dress is climbing up a set of stairs in an entry way .", "a child in a pink dress is climbing up a set of stairs in an entry way")]
    [InlineData("Dog with orange ball at feet , stands on shore shaking off water", "dog with orange ball at feet stands on shore shaking off water")]
    [InlineData("A dog runs.", "a dog runs")]
    [InlineData("Two dogs play; one is biting: the other barks!", "two dogs play one is biting the other barks")]
    [InlineData("Is it a dog?", "is it a dog")]
    [InlineData("A boy in a \" ADHD \" t-shirt", "a boy in a adhd t-shirt")]
    [InlineData("a \"quoted\" word", "a quoted word")]
    [InlineData("a 'single quoted' word", "a single quoted word")]
    [InlineData("wait... what - really -- yes", "wait what really yes")]
    public void LowerCasesAndDropsPunctuation(string caption, string expected) => Assert.Equal(expected, Tokens(caption));

    [Theory]
    [InlineData("A man's hat", "a man 's hat")]
    [InlineData("Florida men 's basketball", "florida men 's basketball")]
    [InlineData("The dogs' toys", "the dogs toys")]
    [InlineData("He doesn't know", "he does n't know")]
    [InlineData("They can't and won't", "they ca n't and wo n't")]
    [InlineData("We cannot see", "we can not see")]
    [InlineData("They're sure we'll go", "they 're sure we 'll go")]
    [InlineData("a slip 'n' slide at five o'clock", "a slip 'n' slide at five o'clock")]
    public void SplitsContractionsLikePtb(string caption, string expected) => Assert.Equal(expected, Tokens(caption));

    [Fact]
    public void BracketsBecomeLowerCaseLrbTokensThatCocoCaptionKeeps()
    {
        // coco-caption's list holds "-LRB-" in upper case, but the tokens were lower-cased by Java first.
        Assert.Equal("a lens -lrb- almost fish eye -rrb- view", Tokens("a lens ( almost fish eye ) view"));
        Assert.Equal("-lrb- # 7 -rrb-", Tokens("(#7)"));
    }

    [Fact]
    public void RespellsLowerCaseBritishWordsLikeCoreNlp()
    {
        Assert.Equal("a gray dog on a colorful mat", Tokens("A grey dog on a colourful mat ."));
        Assert.Equal("vapor in the theater", Tokens("vapour in the theatre"));
        // The lookup is case-sensitive and runs before lower-casing; hyphenated words are not plain words.
        Assert.Equal("grey dog", Tokens("Grey dog"));
        Assert.Equal("a grey-haired man", Tokens("a grey-haired man"));
        // -our words on CoreNLP's exception list stay.
        Assert.Equal("a downpour and a contour", Tokens("a downpour and a contour"));
    }

    [Theory]
    [InlineData("Mr. Potato head", "mr. potato head")]
    [InlineData("covers in Washington D.C.", "covers in washington d.c.")]
    [InlineData("the letter \" P. \"", "the letter p.")]
    [InlineData("a statefarm.com hat", "a statefarm.com hat")]
    [InlineData("3.5 miles and 1,000 people at 12:30", "3.5 miles and 1,000 people at 12:30")]
    [InlineData("a 3-year-old in a t-shirt", "a 3-year-old in a t-shirt")]
    [InlineData("an at&t headphone , AT&T", "an at & t headphone at&t")]
    [InlineData("and/or", "and\\/or")]
    [InlineData("wow?! really!!", "wow ?! really !!")]
    [InlineData("a <unk> dog", "a <unk> dog")]
    public void KeepsTokensPtbKeeps(string caption, string expected) => Assert.Equal(expected, Tokens(caption));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(" . , ; ! ? \" ' -- ...")]
    public void PunctuationOrBlankGivesNoTokens(string caption) => Assert.Empty(PtbTokenizer.Tokenize(caption));

    [Fact]
    public void NewlinesAndTabsSeparateTokens() => Assert.Equal("a dog runs", Tokens("a\ndog\truns"));

    [Fact]
    public void TokenizeToStringJoinsWithSingleSpaces() =>
        Assert.Equal("a dog 's ball", PtbTokenizer.TokenizeToString("A  dog's   ball ."));
}
