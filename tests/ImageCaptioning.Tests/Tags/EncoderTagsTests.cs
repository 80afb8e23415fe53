using ImageCaptioning.Tags;
using ImageCaptioning.Tests.Encoder;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Tags;

/// <summary>The real encoder's ImageNet head through the shipped table, on dev-set photos (data/subjects/photos).</summary>
public sealed class EncoderTagsTests(EncoderFixture fixture) : IClassFixture<EncoderFixture>
{
    private static readonly ImageNetTagger Tagger = new(ImageNetTagTable.Load(Path.Combine(TestData.RepositoryRoot(), "models", ImageNetTagTable.FolderName)));

    private static string Photo(string name) => Path.Combine(TestData.RepositoryRoot(), "data", "subjects", "photos", name);

    [Theory]
    [InlineData("chelsea.jpg", "cat")]
    [InlineData("coffee.jpg", "coffee")] // cup 0.99 from espresso, cup and coffee mug; coffee 0.98, narrower, from espresso and coffee mug
    [InlineData("dog.jpg", "dog")]
    [InlineData("baseball.jpg", "ball")]
    public void The_best_guess_names_what_the_encoder_recognises(string photo, string word)
    {
        var tags = Tagger.Tag(fixture.Encoder.Encode(Photo(photo)));
        var guess = Tagger.BestGuess(tags);
        Assert.Equal(word, guess?.Word);
        Assert.True(guess!.Probability > 0.9f, $"{word}: {guess.Probability}");
        Assert.NotEmpty(guess.SourceClasses);
    }

    [Fact]
    public void The_dog_group_separates_a_dog_from_a_chicken()
    {
        float Dog(string photo) => Tagger.GroupProbability("dog", ImageNetTagger.Probabilities(fixture.Encoder.Encode(Photo(photo)).Logits))!.Value;
        Assert.True(Dog("dog.jpg") > 0.9f);
        Assert.True(Dog("chicken.jpg") < 0.01f);
    }
}
