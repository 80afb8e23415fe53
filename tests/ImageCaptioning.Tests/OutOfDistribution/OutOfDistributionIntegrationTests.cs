using ImageCaptioning.Captioning;
using ImageCaptioning.Encoder;
using ImageCaptioning.OutOfDistribution;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.OutOfDistribution;

/// <summary>
/// The shipped model's out-of-distribution check on images that are plainly not Flickr photos (made by
/// <see cref="NonPhotoImages"/>): it must flag most of them. (Its rate on the Flickr8k test split, ≤ 5 %, is checked by
/// ShippedModelQualityTests, which captions that split anyway.)
/// </summary>
public class OutOfDistributionIntegrationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TheShippedCheckFlagsMostImagesThatAreNotPhotos()
    {
        var paths = TestData.Paths;
        TestData.ModelsDirectory();
        var detector = FeatureNeighbourDetector.Load(Captioner.DefaultModelFolder(paths));
        Assert.NotNull(detector);
        using var encoder = await ImageEncoder.CreateAsync(paths, ct: TestContext.Current.CancellationToken);

        int flagged = 0, total = 0;
        foreach (var (name, png) in NonPhotoImages.All())
        {
            using var stream = new MemoryStream(png);
            var check = detector.Check(encoder.Encode(stream).Pooled);
            output.WriteLine($"{name,-20} score {check.Score:F4} {(check.Flagged ? "flagged" : "not flagged")}");
            flagged += check.Flagged ? 1 : 0;
            total++;
        }
        output.WriteLine($"flagged {flagged} of {total} (threshold {detector.Threshold:F4})");
        Assert.True(flagged >= 0.8 * total, $"only {flagged} of {total} non-photos flagged");
    }
}
