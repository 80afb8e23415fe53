using ImageCaptioning.Cli.Commands;
using ImageCaptioning.Data;
using ImageCaptioning.Encoder;
using ImageCaptioning.Tags;
using ImageCaptioning.Tests.Data;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Tags;

/// <summary>The committed table in models/imagenet-tags: complete, in the vocabulary, hand checks hold, and it is the generator's output.</summary>
public sealed class ShippedTagTableTests
{
    private static readonly string Folder = Path.Combine(TestData.RepositoryRoot(), "models", ImageNetTagTable.FolderName);
    private static readonly Lazy<ImageNetTagTable> Table = new(() => ImageNetTagTable.Load(Folder));

    private static ClassWords Row(string label) => Table.Value.Classes.Single(c => c.Label == label);

    [Theory]
    [InlineData("Egyptian cat", "cat")]
    [InlineData("tabby", "cat")]
    [InlineData("espresso", "coffee")]
    [InlineData("coffee mug", "mug")]
    [InlineData("moped", "motorcycle")]
    [InlineData("golden retriever", "dog")]
    [InlineData("Chihuahua", "dog")]
    [InlineData("acoustic guitar", "guitar")]
    [InlineData("king penguin", "bird")]
    [InlineData("hummingbird", "bird")]
    [InlineData("space shuttle", "rocket")]
    [InlineData("airliner", "airplane")]
    [InlineData("sorrel", "horse")]
    [InlineData("volcano", "mountain")]
    [InlineData("tench", "fish")]
    public void Hand_checked_classes_lead_with_the_expected_word(string label, string word) =>
        Assert.Equal(word, Row(label).Words[0]);

    [Theory]
    [InlineData("hog", "pig", "pigs", "animal")]
    [InlineData("wild boar", "pig", "pigs", "animal")]
    [InlineData("bison", "bison", "bison", "animal")]
    [InlineData("koala", "koala", "koalas", "animal")]
    [InlineData("giant panda", "panda", "pandas", "animal")]
    [InlineData("lesser panda", "red panda", "red pandas", "animal")]
    [InlineData("rock crab", "crab", "crabs", "animal")]
    [InlineData("goose", "goose", "geese", "bird")]
    [InlineData("dam", "dam", "", "barrier")]               // "barriers" is not a vocabulary word: no plural
    [InlineData("wooden spoon", "spoon", "", "container")]
    [InlineData("ladle", "ladle", "", "container")]
    [InlineData("wallaby", "kangaroo", "kangaroos", "animal")]
    [InlineData("king penguin", "penguin", "penguins", "bird")]
    [InlineData("hummingbird", "hummingbird", "hummingbirds", "bird")]
    public void Hand_checked_classes_outside_the_vocabulary_have_their_novel_word_and_proxy(string label, string word, string plural, string proxy)
    {
        var novel = Row(label).Novel;
        Assert.NotNull(novel);
        Assert.Equal((word, plural, proxy, plural.Length > 0 ? proxy + "s" : ""), (novel.Word, novel.Plural, novel.Proxy, novel.ProxyPlural));
        Assert.Equal(proxy, Row(label).Words[0]); // the proxy is the class's own table word
    }

    [Fact]
    public void Novel_words_are_outside_the_vocabulary_and_their_proxies_inside()
    {
        var vocabulary = Vocabulary.Load(Path.Combine(TestData.RepositoryRoot(), "models", "flickr8k-mobilenetv2", "vocab.json"));
        var novel = Table.Value.Classes.Where(c => c.Novel is not null).Select(c => c.Novel!).ToList();
        Assert.True(novel.Count >= 50, $"{novel.Count} classes with a novel word");
        Assert.All(novel, n => Assert.False(vocabulary.Contains(n.Word), n.Word));
        Assert.All(novel, n => Assert.True(vocabulary.Contains(n.Proxy) && (n.ProxyPlural.Length == 0 || vocabulary.Contains(n.ProxyPlural)), n.Word));
    }

    [Fact]
    public void Espresso_also_says_cup() => Assert.Contains("cup", Row("espresso").Words);

    [Fact]
    public void Wild_cats_do_not_say_cat()
    {
        foreach (string label in new[] { "lion", "cheetah", "leopard", "jaguar" })
            Assert.DoesNotContain("cat", Row(label).Words);
    }

    [Fact]
    public void Every_dog_breed_says_dog_first_and_is_in_the_dog_group()
    {
        var dog = Table.Value.GroupFor("dog")!;
        Assert.Equal(118, dog.Members.Count); // ILSVRC2012 classes 151..268 are the domestic dogs
        Assert.Equal(Enumerable.Range(151, 118), dog.Members);
        Assert.All(dog.Members, i => Assert.Equal("dog", Table.Value.Classes[i].Words[0]));
        Assert.DoesNotContain(Table.Value.Classes.Where(c => !dog.Members.Contains(c.Index)), c => c.Words.Contains("dog"));
    }

    [Fact]
    public void Wnids_are_the_sorted_ILSVRC2012_synsets_in_class_order()
    {
        var wnids = File.ReadAllLines(Path.Combine(Folder, "imagenet-wnids.txt"));
        Assert.Equal(wnids, Table.Value.Classes.Select(c => c.Wnid));
        Assert.Equal(wnids.Order(StringComparer.Ordinal), wnids);
        Assert.Equal("n01440764", wnids[0]); // tench
    }

    [Fact]
    public void Every_word_is_in_the_shipped_vocabulary()
    {
        var vocabulary = Vocabulary.Load(Path.Combine(TestData.RepositoryRoot(), "models", "flickr8k-mobilenetv2", "vocab.json"));
        Assert.All(Table.Value.Classes.SelectMany(c => c.Words).Concat(Table.Value.Groups.Select(g => g.Word)),
            w => Assert.True(vocabulary.Contains(w), $"'{w}' is not in the vocabulary"));
    }

    [Fact]
    public async Task Labels_are_the_encoders_class_names()
    {
        var names = await ImageNetClasses.LoadAsync(Path.Combine(TestData.ModelsDirectory(), ImageNetClasses.FileName), TestContext.Current.CancellationToken);
        Assert.Equal(names, Table.Value.Classes.Select(c => c.Label));
    }

    [Fact]
    public void The_committed_table_is_what_the_generator_writes_from_WordNet()
    {
        string wordNet = TagTableCommand.DefaultWordNet;
        if (!File.Exists(Path.Combine(wordNet, "data.noun")))
        {
            string reason = $"WordNet is not installed at '{wordNet}' (apt-get install wordnet-base, or set {TagTableCommand.WordNetDirVariable}).";
            if (TestData.DataRequired) throw new InvalidOperationException(reason);
            Assert.Skip(reason);
        }
        using var temp = new TemporaryFolder("tag-table");
        foreach (string source in new[] { "imagenet-wnids.txt", "overrides.tsv", "groups.tsv", "novel-words.tsv" })
            File.Copy(Path.Combine(Folder, source), temp.File(source));
        var output = new StringWriter();
        int exit = TagTableCommand.Run(wordNet, Path.Combine(TestData.RepositoryRoot(), "models", "flickr8k-mobilenetv2", "vocab.json"),
            Path.Combine(TestData.ModelsDirectory(), ImageNetClasses.FileName), temp.Path, output);
        Assert.Equal(0, exit);
        Assert.Contains("class names matching no lemma of their synset: 0", output.ToString());
        foreach (string file in new[] { ImageNetTagTable.ClassesFileName, ImageNetTagTable.GroupsFileName })
            Assert.Equal(File.ReadAllText(Path.Combine(Folder, file)), File.ReadAllText(temp.File(file)));
    }
}
