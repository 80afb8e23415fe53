using ImageCaptioning.Subjects;

namespace ImageCaptioning.Tests.Subjects;

public sealed class SubjectMentionsTests
{
    [Theory]
    [InlineData("a cat is sitting on a bed", true)]
    [InlineData("Two CATS, playing.", false)] // exact words: "cats" is not in the list below
    [InlineData("a catamaran in the sea", false)] // whole words only
    [InlineData("a polar bear walks in the snow", true)]
    [InlineData("a polar region", false)]
    public void Names_a_subject_as_whole_words_or_phrases(string caption, bool expected) =>
        Assert.Equal(expected, SubjectMentions.NamesSubject(caption, ["cat", "polar bear"], SubjectWordMatch.ExactWords));

    [Theory]
    [InlineData("Two CATS, playing.", true)]
    [InlineData("two polar bears walk in the snow", true)] // a phrase's last word
    [InlineData("two polars bear", false)] // not its other words
    [InlineData("a giraffe eats", true)] // a plural subject names its singular
    [InlineData("three puppies sleep", true)] // consonant + y → ies
    [InlineData("a catamaran in the sea", false)]
    [InlineData("the geese fly", false)] // irregular plurals are not guessed
    public void By_default_a_regular_plural_or_singular_names_the_subject(string caption, bool expected) =>
        Assert.Equal(expected, SubjectMentions.NamesSubject(caption, ["cat", "polar bear", "giraffes", "puppy", "goose"]));

    [Theory]
    [InlineData("a black dog runs", true)]
    [InlineData("two dogs play", true)]
    [InlineData("a puppy sleeps", true)]
    [InlineData("a man eats a hotdog", false)]
    [InlineData("a man is doggedly running", false)]
    public void Mentions_a_dog(string caption, bool expected) => Assert.Equal(expected, SubjectMentions.MentionsDog(caption));
}
