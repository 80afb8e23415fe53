using ImageCaptioning.Data;
using ImageCaptioning.Tests.Infrastructure;
using ImageCaptioning.Tags;

namespace ImageCaptioning.Tests.Tags;

/// <summary>Which tag guided decoding forces, with which alternatives, and when the dog rule forbids "dog".</summary>
public sealed class TagConstraintsTests
{
    // 0, 1: cat; 2: espresso → coffee|cup; 3, 4: dog breeds (group "dog" = 3, 4, 5); 6, 7: "animal" with 0, 1 also animals;
    // 8, 9: hen and cock → chicken|bird, 10: a finch → bird (group "bird" = 8, 9, 10); 11, 12: hog and boar → animal, novel "pig".
    private static readonly ImageNetTagger Tagger = new(new ImageNetTagTable(
        WithPig(ImageNetTagTableFileTests.SmallTable((0, ["cat", "animal"]), (1, ["cat", "animal"]), (2, ["coffee", "cup"]),
            (3, ["dog"]), (4, ["dog"]), (6, ["animal"]), (7, ["animal"]), (8, ["chicken", "bird"]), (9, ["chicken", "bird"]),
            (10, ["bird"]), (11, ["animal"]), (12, ["animal"])).Classes),
        [new ClassGroup("dog", "n02084071", [3, 4, 5]), new ClassGroup("bird", "n01503061", [8, 9, 10])]));

    private static IReadOnlyList<ClassWords> WithPig(IReadOnlyList<ClassWords> rows)
    {
        var pig = new NovelWord("pig", "pigs", "animal", "animals");
        return [.. rows.Select(r => r.Index is 11 or 12 ? r with { Novel = pig } : r)];
    }

    private static readonly Vocabulary Words = Vocabulary.Build(
        [["a", "cat", "cats", "coffee", "cup", "cups", "dog", "dogs", "puppy", "animal", "animals", "chicken", "chickens", "bird", "birds"]], minCount: 1);

    private static float[] Probabilities(params (int Class, float P)[] mass) => ImageNetTaggerTests.Probabilities(mass);

    [Fact]
    public void The_most_specific_confident_tag_is_forced_with_its_plural()
    {
        // cat 0.92 and animal 0.97: both confident, cat has fewer classes
        var g = TagConstraints.For(Tagger, Probabilities((0, 0.6f), (1, 0.32f), (6, 0.05f)), Words);
        Assert.Equal("cat", g.Forced?.Word);
        Assert.Equal(["cat", "cats"], g.RequiredAnyOf); // not the class's later, more general "animal"
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
    public void A_class_own_word_beats_its_group_word_and_the_group_word_is_no_alternative()
    {
        // hen + cock: chicken 0.98 (2 classes) and bird 0.98 (3 classes) tie on probability; chicken is more specific.
        var g = TagConstraints.For(Tagger, Probabilities((8, 0.7f), (9, 0.28f)), Words);
        Assert.Equal("chicken", g.Forced?.Word);
        Assert.Equal(["chicken", "chickens"], g.RequiredAnyOf); // not "bird", though the class's table words list it
    }

    [Fact]
    public void Words_the_class_ranks_above_the_forced_one_stay_alternatives()
    {
        // A terrier row reads "dog|terrier": forcing the more specific "terrier" still lets "dog" satisfy the constraint.
        var table = ImageNetTagTableFileTests.SmallTable((3, ["dog", "terrier"]), (4, ["dog"]));
        var tagger = new ImageNetTagger(new ImageNetTagTable(table.Classes, [new ClassGroup("dog", "n02084071", [3, 4])]));
        var vocabulary = Vocabulary.Build([["dog", "dogs", "terrier", "terriers"]], minCount: 1);
        var g = TagConstraints.For(tagger, Probabilities((3, 0.95f)), vocabulary);
        Assert.Equal("terrier", g.Forced?.Word);
        Assert.Equal(["terrier", "terriers", "dog"], g.RequiredAnyOf);
    }

    [Fact]
    public void A_confident_novel_word_is_forced_through_its_proxy()
    {
        var g = TagConstraints.For(Tagger, Probabilities((11, 0.6f), (12, 0.35f)), Words);
        Assert.Equal("pig", g.Forced?.Word);
        Assert.Equal(new NovelWord("pig", "pigs", "animal", "animals"), g.Forced?.Novel);
        Assert.Equal(["animal", "animals"], g.RequiredAnyOf);
        Assert.Equal(new Dictionary<string, string> { ["animal"] = "pig", ["animals"] = "pigs" }, g.ShownAs);
        Assert.Equal(g.ShownAs, g.Constraints.ShownAs);
    }

    [Fact]
    public void A_novel_word_below_the_threshold_leaves_nothing_to_show()
    {
        // pig 0.5 and animal 0.5 + 0.45: "animal" is forced as itself, never shown as "pig".
        var g = TagConstraints.For(Tagger, Probabilities((11, 0.5f), (6, 0.45f)), Words);
        Assert.Equal("animal", g.Forced?.Word);
        Assert.Empty(g.ShownAs);
    }

    [Fact]
    public void An_out_of_distribution_photo_forces_a_less_certain_tag()
    {
        var p = Probabilities((0, 0.5f), (1, 0.25f)); // cat 0.75
        Assert.Null(TagConstraints.For(Tagger, p, Words).Forced);
        var flagged = TagConstraints.For(Tagger, p, Words, outOfDistribution: true);
        Assert.Equal("cat", flagged.Forced?.Word);
        Assert.Equal(TagConstraints.OutOfDistributionForceMinProbability, flagged.ForceThreshold);
    }

    [Fact]
    public void The_embedded_table_is_the_committed_one()
    {
        var committed = ImageNetTagTable.Load(Path.Combine(TestData.RepositoryRoot(), "models", ImageNetTagTable.FolderName));
        var embedded = ImageNetTagTable.Embedded;
        Assert.Equal(committed.Classes.Select(c => (c.Wnid, string.Join('|', c.Words), c.Novel)), embedded.Classes.Select(c => (c.Wnid, string.Join('|', c.Words), c.Novel)));
        Assert.Equal(committed.Groups.Select(g => (g.Word, string.Join(',', g.Members))), embedded.Groups.Select(g => (g.Word, string.Join(',', g.Members))));
    }
}
