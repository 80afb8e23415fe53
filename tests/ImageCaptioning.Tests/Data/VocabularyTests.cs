using ImageCaptioning.Data;

namespace ImageCaptioning.Tests.Data;

public sealed class VocabularyTests
{
    // "a" ×4, "dog" ×3, "cat" ×3, "runs" ×2, "grass" ×1
    private static readonly string[] Captions = ["A dog runs .", "a cat runs", "A dog , a cat", "dog cat grass"];

    private static List<IReadOnlyList<string>> Tokenized(IEnumerable<string> captions) =>
        captions.Select(CaptionTokenizer.Tokenize).ToList();

    [Fact]
    public void Build_orders_specials_then_count_descending_then_ordinal()
    {
        var vocabulary = Vocabulary.Build(Tokenized(Captions), minCount: 2);
        Assert.Equal(["<pad>", "<start>", "<end>", "<unk>", "a", "cat", "dog", "runs"], vocabulary.Tokens);
        Assert.Equal(8, vocabulary.Count);
        Assert.Equal(2, vocabulary.MinCount);
    }

    [Fact]
    public void Build_is_independent_of_caption_order()
    {
        var forward = Vocabulary.Build(Tokenized(Captions), minCount: 1);
        var backward = Vocabulary.Build(Tokenized(Captions.Reverse()), minCount: 1);
        Assert.Equal(forward.Tokens, backward.Tokens);
    }

    [Fact]
    public void Build_drops_words_below_the_minimum_count()
    {
        var vocabulary = Vocabulary.Build(Tokenized(Captions), minCount: 3);
        Assert.True(vocabulary.Contains("dog"));
        Assert.False(vocabulary.Contains("runs"));
        Assert.Equal(Vocabulary.UnknownId, vocabulary.IdOf("runs"));
        Assert.Equal(Vocabulary.UnknownId, vocabulary.IdOf("zebra"));
    }

    [Fact]
    public void Special_ids_are_fixed()
    {
        var vocabulary = Vocabulary.Build(Tokenized(Captions), minCount: 1);
        Assert.Equal(Vocabulary.PadId, vocabulary.IdOf("<pad>"));
        Assert.Equal(Vocabulary.StartId, vocabulary.IdOf("<start>"));
        Assert.Equal(Vocabulary.EndId, vocabulary.IdOf("<end>"));
        Assert.Equal(Vocabulary.UnknownId, vocabulary.IdOf("<unk>"));
        Assert.Equal("<end>", vocabulary.WordOf(Vocabulary.EndId));
    }

    [Fact]
    public void Encode_wraps_in_start_end_and_maps_unknown_words()
    {
        var vocabulary = Vocabulary.Build(Tokenized(Captions), minCount: 2);
        int[] ids = vocabulary.Encode(["a", "zebra", "runs"]);
        Assert.Equal([Vocabulary.StartId, vocabulary.IdOf("a"), Vocabulary.UnknownId, vocabulary.IdOf("runs"), Vocabulary.EndId], ids);
        Assert.Equal([vocabulary.IdOf("a")], vocabulary.Encode(["a"], addStartEnd: false));
    }

    [Fact]
    public void Decode_stops_at_end_and_skips_start_and_pad()
    {
        var vocabulary = Vocabulary.Build(Tokenized(Captions), minCount: 2);
        int dog = vocabulary.IdOf("dog"), runs = vocabulary.IdOf("runs");
        Assert.Equal("dog <unk> runs",
            vocabulary.Decode([Vocabulary.StartId, dog, Vocabulary.PadId, Vocabulary.UnknownId, runs, Vocabulary.EndId, dog]));
        Assert.Equal("a dog runs", vocabulary.Decode(vocabulary.Encode(CaptionTokenizer.Tokenize("A dog runs."))));
        Assert.Equal("", vocabulary.Decode([Vocabulary.EndId, dog]));
    }

    [Fact]
    public void WordOf_rejects_ids_outside_the_vocabulary()
    {
        var vocabulary = Vocabulary.Build(Tokenized(Captions), minCount: 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.WordOf(vocabulary.Count));
        Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.WordOf(-1));
    }

    [Fact]
    public void CoverageOf_is_the_fraction_of_words_with_their_own_id()
    {
        var vocabulary = Vocabulary.Build(Tokenized(Captions), minCount: 3); // a, cat, dog
        Assert.Equal(3.0 / 5.0, vocabulary.CoverageOf(Tokenized(["a dog runs", "zebra cat"])), 12);
        Assert.Equal(1.0, vocabulary.CoverageOf([]));
    }

    [Fact]
    public void Save_and_Load_round_trip()
    {
        using var folder = new TemporaryFolder();
        var vocabulary = Vocabulary.Build(Tokenized(Captions), minCount: 2);
        string path = folder.File("nested/vocab.json");
        vocabulary.Save(path);

        var loaded = Vocabulary.Load(path);
        Assert.Equal(vocabulary.Tokens, loaded.Tokens);
        Assert.Equal(2, loaded.MinCount);
        Assert.StartsWith("{\"format\":\"imagecaptioning-vocab/1\",\"min_count\":2,\"tokens\":[\"<pad>\"", File.ReadAllText(path));
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "JSON object")]
    [InlineData("{\"format\":\"other/1\",\"min_count\":5,\"tokens\":[\"<pad>\",\"<start>\",\"<end>\",\"<unk>\"]}", "\"format\"")]
    [InlineData("{\"format\":\"imagecaptioning-vocab/1\",\"tokens\":[\"<pad>\",\"<start>\",\"<end>\",\"<unk>\"]}", "min_count")]
    [InlineData("{\"format\":\"imagecaptioning-vocab/1\",\"min_count\":0,\"tokens\":[\"<pad>\",\"<start>\",\"<end>\",\"<unk>\"]}", "min_count")]
    [InlineData("{\"format\":\"imagecaptioning-vocab/1\",\"min_count\":5}", "\"tokens\"")]
    [InlineData("{\"format\":\"imagecaptioning-vocab/1\",\"min_count\":5,\"tokens\":[\"<pad>\",\"<start>\"]}", "special tokens")]
    [InlineData("{\"format\":\"imagecaptioning-vocab/1\",\"min_count\":5,\"tokens\":[\"<start>\",\"<pad>\",\"<end>\",\"<unk>\"]}", "token 0 must be \"<pad>\"")]
    [InlineData("{\"format\":\"imagecaptioning-vocab/1\",\"min_count\":5,\"tokens\":[\"<pad>\",\"<start>\",\"<end>\",\"<unk>\",\"dog\",\"dog\"]}", "more than once")]
    [InlineData("{\"format\":\"imagecaptioning-vocab/1\",\"min_count\":5,\"tokens\":[\"<pad>\",\"<start>\",\"<end>\",\"<unk>\",\"two words\"]}", "without whitespace")]
    [InlineData("{\"format\":\"imagecaptioning-vocab/1\",\"min_count\":5,\"tokens\":[\"<pad>\",\"<start>\",\"<end>\",\"<unk>\",7]}", "token 4")]
    public void Load_rejects_malformed_files_with_a_clear_message(string json, string expectedFragment)
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("vocab.json");
        File.WriteAllText(path, json);
        var error = Assert.Throws<VocabularyFormatException>(() => Vocabulary.Load(path));
        Assert.Contains(expectedFragment, error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Load_reports_a_missing_file()
    {
        using var folder = new TemporaryFolder();
        var error = Assert.Throws<VocabularyFormatException>(() => Vocabulary.Load(folder.File("absent.json")));
        Assert.Contains("does not exist", error.Message);
    }
}
