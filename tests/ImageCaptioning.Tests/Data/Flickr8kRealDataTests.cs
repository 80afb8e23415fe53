using ImageCaptioning.Data;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Data;

/// <summary>The loader on the real Flickr8k (skipped when IMAGECAPTIONING_FLICKR8K_DIR is not set).</summary>
public sealed class Flickr8kRealDataTests
{
    [Fact]
    public void Token_file_and_kaggle_csv_give_identical_captions()
    {
        string directory = TestData.Flickr8kDirectory();
        using var kaggleOnly = new TemporaryFolder("flickr8k-kaggle");
        // Same images (linked, not copied), only the Kaggle caption file.
        Directory.CreateSymbolicLink(kaggleOnly.File("images"), Path.Combine(directory, "images"));
        File.Copy(Path.Combine(directory, "captions.txt"), kaggleOnly.File("captions.txt"));

        var fromToken = Flickr8kDataset.Load(directory);
        var fromKaggle = Flickr8kDataset.Load(kaggleOnly.Path);

        Assert.Equal(fromToken.Captions.Count, fromKaggle.Captions.Count);
        foreach ((string image, IReadOnlyList<string> captions) in fromToken.Captions)
            Assert.Equal(captions, fromKaggle.Captions[image]);
        Assert.Contains(fromToken.Captions.Values.SelectMany(c => c), c => c.Contains(','));
        Assert.Contains(fromToken.Captions.Values.SelectMany(c => c), c => c.Contains('"'));
    }

    [Fact]
    public void The_five_entries_of_the_missing_image_are_skipped_and_counted()
    {
        var log = new List<string>();
        var dataset = Flickr8kDataset.Load(TestData.Flickr8kDirectory(), log.Add);
        Assert.Equal(5, dataset.SkippedEntries);
        Assert.Contains(log, line => line.Contains("2258277193_586949ec62.jpg.1"));
        Assert.False(dataset.Captions.ContainsKey("2258277193_586949ec62.jpg.1"));
        Assert.All(dataset.Captions.Values, captions => Assert.Equal(5, captions.Count));
        Assert.All(dataset.Captions.Keys, image => Assert.True(File.Exists(dataset.ImagePath(image)), image));
    }

    [Fact]
    public void Standard_splits_have_6000_1000_1000_disjoint_images()
    {
        var dataset = Flickr8kDataset.Load(TestData.Flickr8kDirectory());
        var train = dataset.Split(DatasetSplit.Train);
        var dev = dataset.Split(DatasetSplit.Dev);
        var test = dataset.Split(DatasetSplit.Test);
        Assert.Equal(6000, train.Count);
        Assert.Equal(1000, dev.Count);
        Assert.Equal(1000, test.Count);
        var all = new HashSet<string>(train.Concat(dev).Concat(test));
        Assert.Equal(8000, all.Count);
        Assert.All(all, image => Assert.True(dataset.Captions.ContainsKey(image)));
    }

    [Fact]
    public void Vocabulary_from_train_captions_maps_every_kept_word_and_round_trips()
    {
        var dataset = Flickr8kDataset.Load(TestData.Flickr8kDirectory());
        var tokenized = dataset.Split(DatasetSplit.Train)
            .SelectMany(image => dataset.Captions[image])
            .Select(CaptionTokenizer.Tokenize)
            .ToList();
        var vocabulary = Vocabulary.Build(tokenized);
        var counts = tokenized.SelectMany(t => t).GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(counts.Count(kv => kv.Value >= 5) + 4, vocabulary.Count);
        Assert.All(vocabulary.Tokens.Skip(4), word => Assert.True(counts[word] >= 5, word));
        using var folder = new TemporaryFolder();
        vocabulary.Save(folder.File("vocab.json"));
        Assert.Equal(vocabulary.Tokens, Vocabulary.Load(folder.File("vocab.json")).Tokens);
    }
}
