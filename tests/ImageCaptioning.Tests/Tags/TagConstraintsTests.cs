using ImageCaptioning.Data;
using ImageCaptioning.Tests.Infrastructure;
using ImageCaptioning.Tags;

namespace ImageCaptioning.Tests.Tags;

/// <summary>Which tag guided decoding forces, with which alternatives, and when the dog rule forbids "dog".</summary>
public sealed class TagConstraintsTests
{
    // 0, 1: cat; 2: espresso → coffee|cup; 3, 4: dog breeds (group "dog" = 3, 4, 5); 6, 7: "animal" with 0, 1 also animals.
    private static readonly ImageNetTagger Tagger = new(new ImageNetTagTable(
        ImageNetTagTableFileTests.SmallTable((0, ["cat", "animal"]), (1, ["cat", "animal"]), (2, ["coffee", "cup"]),
            (3, ["dog"]), (4, ["dog"]), (6, ["animal"]), (7, ["animal"])).Classes,
        [new ClassGroup("dog", "n02084071", [3, 4, 5])]));

    private static readonly Vocabulary Words = Vocabulary.Build(
        [["a", "cat", "cats", "coffee", "cup", "cups", "dog", "dogs", "puppy", "animal", "animals"]], minCount: 1);

    private static float[] Probabilities(params (int Class, float P)[] mass)
    {
        var p = new float[1000];
        float rest = 1 - mass.Sum(m => m.P);
        for (int i = 0; i < p.Length; i++) p[i] = rest / (p.Length - mass.Length);
        foreach (var (c, v) in mass) p[c] = v;
        return p;
    }

    [Fact]
    public void The_most_specific_confident_tag_is_forced_with_its_plural()
    {
        // cat 0.92 and animal 0.97: both confident, cat has fewer classes
        var g = TagConstraints.For(Tagger, Probabilities((0, 0.6f), (1, 0.32f), (6, 0.05f)), Words);
        Assert.Equal("cat", g.Forced?.Word);
        Assert.Equal(["cat", "cats", "animal"], g.RequiredAnyOf); // the top class's table words count too
    }

    [Fact]
    public void A_tag_below_the_threshold_forces_nothing()
    {
        var g = TagConstraints.For(Tagger, Probabilities((2, TagConstraints.ForceMinProbability - 0.05f)), Words);
        Assert.Null(g.Forced);
        Assert.Empty(g.RequiredAnyOf);
    }

    [Fact]
    public void The_class_words_are_alternatives()
    {
        var g = TagConstraints.For(Tagger, Probabilities((2, 0.95f)), Words);
        Assert.Equal("coffee", g.Forced?.Word); // coffee and cup tie (one class each, same probability): alphabetical
        Assert.Equal(["coffee", "cup"], g.RequiredAnyOf); // "coffees" is not in the vocabulary
    }

    [Fact]
    public void The_dog_rule_forbids_dogs_when_the_dog_classes_say_no_and_something_else_is_confident()
    {
        var g = TagConstraints.For(Tagger, Probabilities((0, 0.6f), (3, 0.01f)), Words);
        Assert.Equal(["dog", "dogs", "puppy"], g.Forbidden);         // the dog words that are in the vocabulary
        Assert.True(g.DogProbability < TagConstraints.DogRuleMaxDogProbability);
    }

    [Fact]
    public void The_dog_rule_stays_off_when_the_dog_classes_have_some_mass()
    {
        Assert.Empty(TagConstraints.For(Tagger, Probabilities((0, 0.6f), (5, 0.1f)), Words).Forbidden);
    }

    [Fact]
    public void The_dog_rule_stays_off_when_nothing_else_is_confident()
    {
        Assert.Empty(TagConstraints.For(Tagger, Probabilities((0, 0.3f), (2, 0.3f)), Words).Forbidden);
    }

    [Fact]
    public void A_confident_dog_is_forced_and_never_forbidden()
    {
        var g = TagConstraints.For(Tagger, Probabilities((3, 0.5f), (5, 0.45f)), Words);
        Assert.Equal("dog", g.Forced?.Word);
        Assert.Empty(g.Forbidden);
        Assert.Contains("dogs", g.RequiredAnyOf);
    }

    [Fact]
    public void The_embedded_table_is_the_committed_one()
    {
        var committed = ImageNetTagTable.Load(Path.Combine(TestData.RepositoryRoot(), "models", ImageNetTagTable.FolderName));
        var embedded = ImageNetTagTable.Embedded;
        Assert.Equal(committed.Classes.Select(c => (c.Wnid, string.Join('|', c.Words))), embedded.Classes.Select(c => (c.Wnid, string.Join('|', c.Words))));
        Assert.Equal(committed.Groups.Select(g => (g.Word, string.Join(',', g.Members))), embedded.Groups.Select(g => (g.Word, string.Join(',', g.Members))));
    }
}
