using ImageCaptioning.Cli.Tags;
using ImageCaptioning.Data;
using ImageCaptioning.Tests.Data;

namespace ImageCaptioning.Tests.Tags;

/// <summary>The generator's rules on a hand-made WordNet with 1000 classes and a tiny vocabulary.</summary>
public sealed class TagTableBuilderTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("wordnet");
    private readonly WordNetNouns _wordNet;
    private static readonly Vocabulary Vocabulary = Vocabulary.Build([["cat", "coffee", "cup", "animal", "animals", "terrier", "dog", "good", "machine"]], minCount: 1);

    // Upper synsets: entity ← animal ← {cat ← domestic_cat, ruminant, dog ← terrier}; entity ← coffee; entity ← commodity (lemma "good"); entity ← cup.
    private static readonly string[] Upper =
    [
        "00001000 03 n 01 entity 0 000 | that which exists",
        "00002100 05 n 02 animal 0 beast 0 001 @ 00001000 n 0000 | a living organism",
        "00002000 05 n 02 cat 0 true_cat 0 001 @ 00002100 n 0000 | feline",
        "00002500 05 n 02 domestic_cat 0 house_cat 0 001 @ 00002000 n 0000 | a pet cat",
        "00002600 05 n 01 ruminant 0 001 @ 00002100 n 0000 | cud chewers",
        "00004100 05 n 03 dog 0 domestic_dog 0 Canis_familiaris 0 001 @ 00002100 n 0000 | a dog",
        "00004000 05 n 01 terrier 0 001 @ 00004100 n 0000 | a terrier",
        "00003000 13 n 02 coffee 0 java 0 001 @ 00001000 n 0000 | a drink",
        "00005000 06 n 03 commodity 0 trade_good 0 good 0 001 @ 00001000 n 0000 | goods",
        "00006000 06 n 01 cup 0 001 @ 00001000 n 0000 | no class below it",
    ];

    public TagTableBuilderTests()
    {
        var lines = new List<string> { "  1 This software and database is being provided (licence header lines start with two spaces)" };
        lines.AddRange(Upper);
        for (int i = 0; i < 1000; i++) lines.Add($"{ClassOffset(i)} 05 n 01 {Lemma(i)} 0 001 @ {Parent(i)} n 0000 | class {i}");
        _folder.WriteLines(WordNetNouns.DataFileName, [.. lines]);
        _wordNet = WordNetNouns.Load(_folder.Path);
    }

    private static string ClassOffset(int i) => (10_000_000 + i).ToString("D8");
    private static string Wnid(int i) => "n" + ClassOffset(i);
    private static string Lemma(int i) => i switch { 0 => "Egyptian_cat", 1 => "espresso", 2 => "giraffe", 3 or 4 or 5 => $"terrier_{i}", 6 => "toaster", _ => $"thing_{i}" };
    private static string Parent(int i) => i switch { 0 => "00002500", 1 => "00003000", 2 => "00002600", 3 or 4 or 5 => "00004000", 6 => "00005000", _ => "00001000" };
    private static string Label(int i) => Lemma(i).Replace('_', ' ');

    private static IReadOnlyList<string> Wnids => [.. Enumerable.Range(0, 1000).Select(Wnid)];
    private static IReadOnlyList<string> Labels => [.. Enumerable.Range(0, 1000).Select(Label)];

    private (ImageCaptioning.Tags.ImageNetTagTable Table, TagTableBuilder.Report Report) Build(
        IReadOnlyList<TagTableBuilder.Override>? overrides = null, IReadOnlyList<TagTableBuilder.GroupDefinition>? groups = null,
        IReadOnlyList<string>? wnids = null, IReadOnlyList<string>? labels = null, IReadOnlyList<TagTableBuilder.NovelDefinition>? novel = null) =>
        new TagTableBuilder(_wordNet, Vocabulary).Build(wnids ?? Wnids, labels ?? Labels, overrides ?? [], groups ?? [], novel);

    [Fact]
    public void A_novel_word_borrows_the_class_table_word_and_its_plural_unless_a_proxy_is_named()
    {
        var (table, _) = Build(novel:
        [
            new(Wnid(2), "giraffe", "giraffes", null, null, "its own name"),
            new(Wnid(0), "kitty", "", "cat", "", "a hand-named proxy"),
        ]);
        Assert.Equal(["animal"], table.Classes[2].Words); // the class keeps its vocabulary words
        Assert.Equal(new ImageCaptioning.Tags.NovelWord("giraffe", "giraffes", "animal", "animals"), table.Classes[2].Novel);
        Assert.Contains("novel word by hand, proxy its table word", table.Classes[2].Source);
        Assert.Equal(new ImageCaptioning.Tags.NovelWord("kitty", "", "cat", ""), table.Classes[0].Novel);
        Assert.Contains("proxy by hand", table.Classes[0].Source);
        Assert.Null(table.Classes[1].Novel);
    }

    [Fact]
    public void A_novel_word_in_the_vocabulary_or_a_proxy_outside_it_is_refused()
    {
        Assert.Contains("is in the vocabulary", Assert.Throws<InvalidDataException>(() => Build(novel: [new(Wnid(2), "cat", "", null, null, "r")])).Message);
        Assert.Contains("'horse'", Assert.Throws<InvalidDataException>(() => Build(novel: [new(Wnid(2), "zebra", "", "horse", "", "r")])).Message);
        Assert.Contains("no table word", Assert.Throws<InvalidDataException>(() => Build(novel: [new(Wnid(6), "toaster", "", null, null, "r")])).Message);
    }

    [Fact]
    public void A_class_takes_the_nearest_vocabulary_word_up_its_hypernyms()
    {
        var row = Build().Table.Classes[0];
        Assert.Equal(["cat"], row.Words); // Egyptian cat → domestic cat (no word) → cat
        Assert.Equal("wordnet: cat (n00002000), 2 up", row.Source);
    }

    [Fact]
    public void A_generic_category_word_is_the_fallback()
    {
        Assert.Equal(["animal"], Build().Table.Classes[2].Words); // giraffe → ruminant (no word) → animal (a category word)
    }

    [Fact]
    public void Too_general_lemmas_are_never_used()
    {
        var result = Build();
        Assert.Empty(result.Table.Classes[6].Words); // toaster → commodity, whose lemma "good" is too general
        Assert.Empty(result.Table.Classes[7].Words);
        Assert.Equal(994, result.Report.ClassesWithoutWords);
    }

    [Fact]
    public void An_override_replaces_WordNets_choice()
    {
        var result = Build(overrides: [new(Wnid(1), ["coffee", "cup"], "the photo is a cup")]);
        Assert.Equal(["coffee", "cup"], result.Table.Classes[1].Words);
        Assert.Equal("override: the photo is a cup", result.Table.Classes[1].Source);
        Assert.Equal(1, result.Report.Overridden);
        Assert.Equal(["coffee"], Build().Table.Classes[1].Words);
    }

    [Fact]
    public void A_lead_group_puts_its_word_first_and_lists_its_members()
    {
        var table = Build(groups: [new("dog", "n00004100", Lead: true), new("animal", "n00002100", Lead: false)]).Table;
        Assert.All(new[] { 3, 4, 5 }, i => Assert.Equal(["dog", "terrier"], table.Classes[i].Words));
        Assert.Equal([3, 4, 5], table.GroupFor("dog")!.Members);
        Assert.Equal([0, 2, 3, 4, 5], table.GroupFor("animal")!.Members);
        Assert.Equal(["cat"], table.Classes[0].Words); // an evidence group changes no words
    }

    [Fact]
    public void Labels_that_match_no_lemma_are_reported()
    {
        var labels = Labels.ToArray();
        labels[9] = "not its name";
        var mismatch = Assert.Single(Build(labels: labels).Report.LabelMismatches);
        Assert.Contains("'not its name'", mismatch);
        Assert.Empty(Build().Report.LabelMismatches);
    }

    [Fact]
    public void Unsorted_wnids_are_refused()
    {
        var wnids = Wnids.ToArray();
        (wnids[10], wnids[11]) = (wnids[11], wnids[10]);
        var error = Assert.Throws<InvalidDataException>(() => Build(wnids: wnids));
        Assert.Contains("sorted", error.Message);
    }

    [Fact]
    public void Words_outside_the_vocabulary_and_unknown_synsets_are_refused()
    {
        Assert.Contains("not in the caption vocabulary", Assert.Throws<InvalidDataException>(() =>
            Build(overrides: [new(Wnid(1), ["espresso"], "no")])).Message);
        Assert.Contains("not one of the 1000 classes", Assert.Throws<InvalidDataException>(() =>
            Build(overrides: [new("n99999999", ["cat"], "no")])).Message);
        Assert.Contains("no ImageNet class below it", Assert.Throws<InvalidDataException>(() =>
            Build(groups: [new("cup", "n00006000", false)])).Message);
        var wnids = Wnids.ToArray();
        wnids[999] = "n99999999";
        Assert.Contains("not a WordNet 3.0 noun synset", Assert.Throws<InvalidDataException>(() => Build(wnids: wnids)).Message);
    }

    [Fact]
    public void Parse_reads_lemmas_and_hypernyms_of_a_real_line()
    {
        var synset = WordNetNouns.Parse(
            "02084071 05 n 03 dog 0 domestic_dog 0 Canis_familiaris 0 023 @ 02083346 n 0000 @ 01317541 n 0000 #m 02083863 n 0000 " +
            "#m 07993929 n 0000 %p 02158846 n 0000 ~ 01322604 n 0000 ~ 02084732 n 0000 ~ 02084861 n 0000 ~ 02085998 n 0000 " +
            "~ 02086723 n 0000 ~ 02087122 n 0000 ~ 02087551 n 0000 ~ 02099997 n 0000 ~ 02103406 n 0000 ~ 02111277 n 0000 " +
            "~ 02111500 n 0000 ~ 02111626 n 0000 ~ 02112826 n 0000 ~ 02113335 n 0000 ~ 02113978 n 0000 ~ 02114100 n 0000 " +
            "~ 10185483 n 0000 ~ 03131116 n 0000 | a member of the genus Canis");
        Assert.Equal("n02084071", synset.Wnid);
        Assert.Equal(["dog", "domestic_dog", "Canis_familiaris"], synset.Lemmas);
        Assert.Equal(["n02083346", "n01317541"], synset.Hypernyms);
    }

    public void Dispose() => _folder.Dispose();
}
