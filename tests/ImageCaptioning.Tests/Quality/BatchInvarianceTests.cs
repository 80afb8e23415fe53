using ImageCaptioning.Captioning;
using ImageCaptioning.Data;
using ImageCaptioning.Decoding;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Quality;

/// <summary>
/// The shipped model's caption of a photo does not depend on what it is batched with: the web demo captions one image
/// at a time, `caption` eight, and the model card's figures are the latter's. Every step product's output depends only
/// on its own row (the int8 step weights quantise each input row on its own), so the captions, their log-probabilities
/// and the alternatives are the same to the bit.
/// </summary>
public class BatchInvarianceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task OneImageAtATimeGivesExactlyTheCaptionsOfBatchesOfEight()
    {
        var paths = TestData.Paths;
        TestData.ModelsDirectory();
        var dataset = Flickr8kDataset.Load(TestData.Flickr8kDirectory());
        var ct = TestContext.Current.CancellationToken;
        using var captioner = await Captioner.CreateAsync(paths, Captioner.DefaultModelFolder(paths), ct: ct);
        var files = dataset.Split(DatasetSplit.Test).Take(48).Select(dataset.ImagePath).ToList();

        var batched = files.Chunk(8).SelectMany(chunk => captioner.CaptionBatch(chunk.ToList(), DecodingOptions.Default)).ToList();
        var alone = files.Select(file => captioner.CaptionBatch(new List<string> { file }, DecodingOptions.Default)[0]).ToList();

        output.WriteLine($"{files.Count} test photos, steps read {captioner.Model.WeightPrecision}; first: '{alone[0].Best.Text}'");
        for (int i = 0; i < files.Count; i++)
        {
            Assert.Equal(batched[i].Best.Text, alone[i].Best.Text);
            Assert.Equal(batched[i].Best.LogProbability, alone[i].Best.LogProbability);            // the same bits, not merely close
            Assert.Equal(batched[i].Alternatives.Select(a => (a.Text, a.LogProbability)), alone[i].Alternatives.Select(a => (a.Text, a.LogProbability)));
        }
    }
}
