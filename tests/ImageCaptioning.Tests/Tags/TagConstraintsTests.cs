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

    // 0–2: spiders → animal, novel "spider"; 3: an otter → animal; 4, 5: owls → bird (group "bird" = 4, 5);
    // 6: a terrier → dog (group "dog" = 6); 7: a cat → cat. Group "animal" = 0–7: every class is an animal.
    private static readonly ImageNetTagger AnimalTagger = new(new ImageNetTagTable(
        [.. ImageNetTagTableFileTests.SmallTable((0, ["animal"]), (1, ["animal"]), (2, ["animal"]), (3, ["animal"]), (4, ["bird"]),
            (5, ["bird"]), (6, ["dog"]), (7, ["cat"])).Classes
            .Select(r => r.Index <= 2 ? r with { Novel = new NovelWord("spider", "spiders", "animal", "animals") } : r)],
        [new ClassGroup("bird", "n01503061", [4, 5]), new ClassGroup("dog", "n02084071", [6]), new ClassGroup("animal", "n00015388", [0, 1, 2, 3, 4, 5, 6, 7])]));

    private static readonly Vocabulary AnimalWords = Vocabulary.Build(
        [["a", "animal", "animals", "bird", "birds", "dog", "dogs", "cat", "cats"]], minCount: 1);

    [Fact]
    public void A_forced_category_is_met_by_a_narrower_word_the_encoder_supports()
    {
        // spiders 0.45 + otter 0.20 + owls 0.12 + cat 0.01: animal 0.78 is forced on a flagged photo; "bird" (0.12) may stand in
        // for it, "cat" (0.01) may not, and neither may the novel "spider" (it is only ever shown for its own forced tag).
        var g = TagConstraints.For(AnimalTagger, Probabilities((0, 0.3f), (1, 0.15f), (3, 0.2f), (4, 0.12f), (7, 0.01f)), AnimalWords, outOfDistribution: true);
        Assert.Equal("animal", g.Forced?.Word);
        Assert.Equal(["animal", "animals", "bird", "birds"], g.RequiredAnyOf);
    }

    [Theory]
    [InlineData(0.10f, true)] // the dog classes have some mass: "dog" may meet a forced "animal"
    [InlineData(0.04f, false)] // below the floor, and the dog rule forbids it anyway
    public void A_narrower_dog_needs_the_dog_classes_evidence(float dog, bool allowed)
    {
        var g = TagConstraints.For(AnimalTagger, Probabilities((0, 0.5f), (3, 0.44f - dog), (6, dog)), AnimalWords);
        Assert.Equal("animal", g.Forced?.Word);
        Assert.Equal(allowed, g.RequiredAnyOf.Contains("dog"));
        Assert.Equal(!allowed, g.Forbidden.Contains("dog"));
    }

    [Fact]
    public void The_best_guess_is_the_most_probable_tag_no_narrower_tag_holds_half_of()
    {
        var tagger = AnimalTagger;
        // animal 0.95 = spiders 0.6 + otter 0.2 + owls 0.15: spider holds more than half of animal, so it is the guess
        var tags = tagger.Tag(Probabilities((0, 0.4f), (1, 0.2f), (3, 0.2f), (4, 0.15f)));
        Assert.Equal("animal", tags[0].Word);
        Assert.Equal("spider", tagger.BestGuess(tags)?.Word);
        // animal 0.95 = otter 0.7 + owls 0.25: no narrower word holds half, so the category stays the guess
        Assert.Equal("animal", tagger.BestGuess(tagger.Tag(Probabilities((3, 0.7f), (4, 0.25f))))?.Word);
        Assert.Null(tagger.BestGuess([]));
    }

    [Fact]
    public void Narrower_means_every_class_of_the_word_is_a_class_of_the_broader_one()
    {
        Assert.True(AnimalTagger.IsNarrower("bird", "animal"));
        Assert.True(AnimalTagger.IsNarrower("dog", "animal"));
        Assert.False(AnimalTagger.IsNarrower("animal", "bird"));
        Assert.False(AnimalTagger.IsNarrower("cat", "dog"));
        Assert.False(AnimalTagger.IsNarrower("animal", "animal"));
        Assert.False(AnimalTagger.IsNarrower("giraffe", "animal")); // not a table word
        Assert.False(Tagger.IsNarrower("bird", "animal")); // the first table has no animal group: birds are not its animals
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
