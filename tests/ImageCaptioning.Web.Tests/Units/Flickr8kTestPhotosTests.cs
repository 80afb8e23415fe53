using ImageCaptioning.Data;
using ImageCaptioning.Web.Examples;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageCaptioning.Web.Tests.Units;

/// <summary>The random test photo on the real Flickr8k: only test-split images, never a training image.</summary>
public sealed class Flickr8kTestPhotosTests
{
    [Fact]
    public void Only_test_split_images_are_picked_and_none_is_a_training_image()
    {
        string folder = TestData.Flickr8kDirectory();
        var photos = Flickr8kTestPhotos.TryLoad(folder, NullLogger.Instance);
        Assert.NotNull(photos);
        var dataset = Flickr8kDataset.Load(folder);
        var test = dataset.Split(DatasetSplit.Test).ToHashSet(StringComparer.Ordinal);
        var train = dataset.Split(DatasetSplit.Train).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(test.Order(StringComparer.Ordinal), photos.Names.Order(StringComparer.Ordinal)); // disjoint splits: all of test
        for (int i = 0; i < 500; i++)
        {
            var (name, path) = photos.Next();
            Assert.Contains(name, test);
            Assert.DoesNotContain(name, train);
            Assert.Equal(dataset.ImagePath(name), path);
        }
    }

    [Fact]
    public void No_folder_or_a_folder_without_a_test_split_gives_no_random_photo()
    {
        Assert.Null(Flickr8kTestPhotos.TryLoad(null, NullLogger.Instance));
        Assert.Null(Flickr8kTestPhotos.TryLoad(Path.Combine(Path.GetTempPath(), "no-such-flickr8k-" + Guid.NewGuid()), NullLogger.Instance));
        using var folder = new Infrastructure.TemporaryFolder("flickr8k-no-test");
        Infrastructure.FakeFlickr8k.Write(folder.Path);
        File.Delete(Path.Combine(folder.Path, Flickr8kDataset.SplitFileName(DatasetSplit.Test)));
        Assert.Null(Flickr8kTestPhotos.TryLoad(folder.Path, NullLogger.Instance));
    }
}
