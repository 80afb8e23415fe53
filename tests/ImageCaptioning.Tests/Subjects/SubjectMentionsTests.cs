using ImageCaptioning.Subjects;

namespace ImageCaptioning.Tests.Subjects;

public sealed class SubjectMentionsTests
{
    [Theory]
    [InlineData("a cat is sitting on a bed", true)]
    [InlineData("Two CATS, playing.", false)] // only the listed forms count: "cats" is not in the list below
    [InlineData("a catamaran in the sea", false)] // whole words only
    [InlineData("a polar bear walks in the snow", true)]
    [InlineData("a polar region", false)]
    public void Names_a_subject_as_whole_words_or_phrases(string caption, bool expected) =>
        Assert.Equal(expected, SubjectMentions.NamesSubject(caption, ["cat", "polar bear"]));

    [Theory]
    [InlineData("a black dog runs", true)]
    [InlineData("two dogs play", true)]
    [InlineData("a puppy sleeps", true)]
    [InlineData("a man eats a hotdog", false)]
    [InlineData("a man is doggedly running", false)]
    public void Mentions_a_dog(string caption, bool expected) => Assert.Equal(expected, SubjectMentions.MentionsDog(caption));
}
