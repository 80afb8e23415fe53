using ImageCaptioning.Data;

namespace ImageCaptioning.Tests.Data;

/// <summary>The loader on small hand-made datasets (the real one is in <see cref="Flickr8kRealDataTests"/>).</summary>
public sealed class Flickr8kDatasetTests
{
    private static TemporaryFolder MakeDataset(bool tokenFile = true, bool kaggleFile = false, bool splits = true)
    {
        var folder = new TemporaryFolder("flickr8k");
        foreach (string image in new[] { "a.jpg", "b.jpg", "c.jpg" })
            folder.WriteLines(Path.Combine("images", image), "not really a jpeg");
        if (tokenFile)
            folder.WriteLines("Flickr8k.token.txt",
                "a.jpg#0\tA dog .", "a.jpg#1\tA brown dog", "ghost.jpg#0\tNobody", "ghost.jpg#1\tStill nobody",
                "b.jpg#0\tA cat", "c.jpg#0\tA bird", "a.jpg#2\tDog again");
        if (kaggleFile)
            folder.WriteLines("captions.txt", "image,caption", "b.jpg,\"A cat , sleeping\"", "a.jpg,A dog .");
        if (splits)
        {
            folder.WriteLines("Flickr_8k.trainImages.txt", "c.jpg", "a.jpg", "ghost.jpg", "a.jpg", "");
            folder.WriteLines("Flickr_8k.devImages.txt", "b.jpg");
            folder.WriteLines("Flickr_8k.testImages.txt");
        }
        return folder;
    }

    [Fact]
    public void Load_groups_captions_by_image_in_file_order_and_skips_missing_images()
    {
        using var folder = MakeDataset();
        var log = new List<string>();
        var dataset = Flickr8kDataset.Load(folder.Path, log.Add);

        Assert.Equal(["A dog .", "A brown dog", "Dog again"], dataset.Captions["a.jpg"]);
        Assert.Equal(["A cat"], dataset.Captions["b.jpg"]);
        Assert.Equal(3, dataset.Captions.Count);
        Assert.Equal(2, dataset.SkippedEntries);
        Assert.Contains(log, line => line.Contains("Skipped 2 caption entries") && line.Contains("ghost.jpg"));
        Assert.Equal(Path.Combine(folder.Path, "images", "b.jpg"), dataset.ImagePath("b.jpg"));
    }

    [Fact]
    public void Extra_train_captions_follow_the_images_own_as_many_times_as_asked_and_leave_dev_alone()
    {
        using var folder = MakeDataset();
        var dataset = Flickr8kDataset.Load(folder.Path);
        var extended = dataset.WithExtraTrainCaptions([("a.jpg", "a dog runs", 1), ("c.jpg", "a bird sits", 2)], copies: 2, "teacher.jsonl");

        Assert.Equal(["A dog .", "A brown dog", "Dog again", "a dog runs", "a dog runs"], extended.Captions["a.jpg"]);
        Assert.Equal(["A bird", "a bird sits", "a bird sits"], extended.Captions["c.jpg"]);
        Assert.Equal(["A cat"], extended.Captions["b.jpg"]);
        Assert.Equal(dataset.Split(DatasetSplit.Train), extended.Split(DatasetSplit.Train));
        Assert.Equal(["A dog .", "A brown dog", "Dog again"], dataset.Captions["a.jpg"]);           // the original is unchanged
    }

    [Fact]
    public void An_extra_caption_of_an_image_outside_the_train_split_is_refused_with_its_line()
    {
        using var folder = MakeDataset();
        var dataset = Flickr8kDataset.Load(folder.Path);
        var error = Assert.Throws<DatasetFormatException>(() =>
            dataset.WithExtraTrainCaptions([("a.jpg", "a dog", 1), ("b.jpg", "a cat", 2)], copies: 1, "teacher.jsonl"));
        Assert.Contains("teacher.jsonl, line 2: 'b.jpg' is not a train-split image", error.Message);
    }

    [Fact]
    public void Split_keeps_file_order_and_only_images_with_captions_listed_once()
    {
        using var folder = MakeDataset();
        var dataset = Flickr8kDataset.Load(folder.Path);
        Assert.Equal(["c.jpg", "a.jpg"], dataset.Split(DatasetSplit.Train));
        Assert.Equal(["b.jpg"], dataset.Split(DatasetSplit.Dev));
        Assert.Empty(dataset.Split(DatasetSplit.Test));
    }

    [Fact]
    public void Split_without_its_file_is_a_clear_error()
    {
        using var folder = MakeDataset(splits: false);
        var dataset = Flickr8kDataset.Load(folder.Path);
        var error = Assert.Throws<DatasetFormatException>(() => dataset.Split(DatasetSplit.Dev));
        Assert.Contains("Flickr_8k.devImages.txt", error.Message);
    }

    [Fact]
    public void Load_prefers_the_token_file_and_falls_back_to_captions_txt()
    {
        using (var both = MakeDataset(tokenFile: true, kaggleFile: true))
            Assert.Equal(["A cat"], Flickr8kDataset.Load(both.Path).Captions["b.jpg"]);
        using var kaggleOnly = MakeDataset(tokenFile: false, kaggleFile: true);
        Assert.Equal(["A cat , sleeping"], Flickr8kDataset.Load(kaggleOnly.Path).Captions["b.jpg"]);
    }

    [Fact]
    public void Load_reports_a_folder_without_captions_or_images()
    {
        using var noCaptions = MakeDataset(tokenFile: false);
        Assert.Contains("neither Flickr8k.token.txt nor captions.txt",
            Assert.Throws<DatasetFormatException>(() => Flickr8kDataset.Load(noCaptions.Path)).Message);

        using var empty = new TemporaryFolder();
        Assert.Contains("no 'images' folder", Assert.Throws<DatasetFormatException>(() => Flickr8kDataset.Load(empty.Path)).Message);
        Assert.Contains("does not exist", Assert.Throws<DatasetFormatException>(() => Flickr8kDataset.Load(empty.File("absent"))).Message);
    }
}
