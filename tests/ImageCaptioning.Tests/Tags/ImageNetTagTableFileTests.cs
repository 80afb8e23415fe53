using ImageCaptioning.Tags;
using ImageCaptioning.Tests.Data;

namespace ImageCaptioning.Tests.Tags;

/// <summary>The table's two files: a round trip, and a clear error for each broken rule.</summary>
public sealed class ImageNetTagTableFileTests
{
    internal static ImageNetTagTable SmallTable(params (int Index, string[] Words)[] words)
    {
        var rows = Enumerable.Range(0, 1000).Select(i => new ClassWords(i, $"n{i:D8}", $"class {i}", [], "test")).ToArray();
        foreach (var (index, w) in words) rows[index] = rows[index] with { Words = w };
        return new ImageNetTagTable(rows, []);
    }

    [Fact]
    public void Save_then_load_gives_the_same_table()
    {
        using var temp = new TemporaryFolder("tag-file");
        var rows = SmallTable((0, ["fish"]), (5, ["coffee", "cup"])).Classes;
        var table = new ImageNetTagTable(rows, [new ClassGroup("dog", "n02084071", [3, 4])]);
        table.Save(temp.Path, ["a comment"]);
        var loaded = ImageNetTagTable.Load(temp.Path);
        Assert.Equal(table.Classes, loaded.Classes, (a, b) => a.Index == b.Index && a.Wnid == b.Wnid && a.Label == b.Label && a.Words.SequenceEqual(b.Words) && a.Source == b.Source);
        var group = Assert.Single(loaded.Groups);
        Assert.Equal(("dog", "n02084071"), (group.Word, group.Wnid));
        Assert.Equal([3, 4], group.Members);
        Assert.StartsWith("# a comment\n", File.ReadAllText(temp.File(ImageNetTagTable.ClassesFileName)));
    }

    [Fact]
    public void Novel_words_and_their_proxies_survive_a_round_trip()
    {
        using var temp = new TemporaryFolder("tag-file");
        var rows = SmallTable((341, ["animal"]), (388, ["animal"])).Classes.ToArray();
        rows[341] = rows[341] with { Novel = new NovelWord("pig", "pigs", "animal", "animals") };
        rows[388] = rows[388] with { Novel = new NovelWord("red panda", "", "animal", "") };
        new ImageNetTagTable(rows, []).Save(temp.Path, []);
        var loaded = ImageNetTagTable.Load(temp.Path);
        Assert.Equal(new NovelWord("pig", "pigs", "animal", "animals"), loaded.Classes[341].Novel);
        Assert.Equal(new NovelWord("red panda", "", "animal", ""), loaded.Classes[388].Novel);
        Assert.Null(loaded.Classes[0].Novel);
        Assert.Contains("341\tn00000341\tclass 341\tanimal\tpig|pigs\tanimal|animals\ttest", File.ReadAllText(temp.File(ImageNetTagTable.ClassesFileName)));
    }

    [Fact]
    public void One_novel_word_has_one_proxy()
    {
        var rows = SmallTable().Classes.ToArray();
        rows[1] = rows[1] with { Novel = new NovelWord("pig", "pigs", "animal", "animals") };
        rows[2] = rows[2] with { Novel = new NovelWord("pig", "pigs", "dog", "dogs") };
        var error = Assert.Throws<ArgumentException>(() => new ImageNetTagTable(rows, []));
        Assert.Contains("'pig'", error.Message);
    }

    [Fact]
    public void A_missing_folder_is_a_clear_error()
    {
        var error = Assert.Throws<TagTableFormatException>(() => ImageNetTagTable.Load(Path.Combine(Path.GetTempPath(), $"none-{Guid.NewGuid():N}")));
        Assert.Contains("does not exist", error.Message);
    }

    [Theory]
    [InlineData("0\tn01440764\ttench\tfish\t\ts", "6 tab-separated fields, not 7")]
    [InlineData("0\tx01440764\ttench\tfish\t\t\ts", "not a WordNet noun id")]
    [InlineData("zero\tn01440764\ttench\tfish\t\t\ts", "not a class index")]
    [InlineData("0\tn01440764\ttench\tfish||cat\t\t\ts", "an empty word")]
    [InlineData("0\tn01440764\ttench\tfish\tpig|pigs\tanimal\ts", "must both be 'word' or both 'word|plural'")]
    [InlineData("0\tn01440764\ttench\tfish\tpig\t\ts", "must both be 'word' or both 'word|plural'")]
    public void A_broken_row_names_its_line(string row, string problem)
    {
        using var temp = new TemporaryFolder("tag-file");
        SmallTable().Save(temp.Path, []);
        var lines = File.ReadAllLines(temp.File(ImageNetTagTable.ClassesFileName));
        lines[1] = row; // line 1 is the header
        File.WriteAllLines(temp.File(ImageNetTagTable.ClassesFileName), lines);
        var error = Assert.Throws<TagTableFormatException>(() => ImageNetTagTable.Load(temp.Path));
        Assert.Contains("line 2", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void A_table_without_all_classes_is_refused()
    {
        using var temp = new TemporaryFolder("tag-file");
        SmallTable().Save(temp.Path, []);
        var lines = File.ReadAllLines(temp.File(ImageNetTagTable.ClassesFileName));
        File.WriteAllLines(temp.File(ImageNetTagTable.ClassesFileName), lines[..^1]);
        var error = Assert.Throws<TagTableFormatException>(() => ImageNetTagTable.Load(temp.Path));
        Assert.Contains("999 classes, not 1000", error.Message);
    }

    [Fact]
    public void A_group_member_out_of_range_is_refused()
    {
        using var temp = new TemporaryFolder("tag-file");
        SmallTable().Save(temp.Path, []);
        File.AppendAllText(temp.File(ImageNetTagTable.GroupsFileName), "dog\tn02084071\t151,1000\n");
        var error = Assert.Throws<TagTableFormatException>(() => ImageNetTagTable.Load(temp.Path));
        Assert.Contains("'1000' is not a class index", error.Message);
    }
}
