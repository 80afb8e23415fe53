using ImageCaptioning.Captioning;
using ImageCaptioning.Data;
using ImageCaptioning.Decoder;
using ImageCaptioning.Metrics;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Quality;

/// <summary>
/// Regression guard for the model in models/: caption a fixed 200-image slice of the Flickr8k test split end to end
/// (image file → encoder → beam 3) and check the scores stay near what the model card reports. The thresholds sit
/// a margin below the measured values (see MODEL_CARD.md), so a real regression fails while run-to-run noise
/// (there is none: decoding is deterministic) cannot.
/// </summary>
public class ShippedModelQualityTests
{
    private const int SubsetSize = 200;
    // Measured on this subset with the shipped weights (MODEL_CARD.md, "Regression subset"); thresholds ≈ 90 % of them.
    private const double MinBleu4 = 0.19;
    private const double MinCiderD = 0.45;

    [Fact]
    public async Task TheShippedModelCaptionsATestSubsetAtItsMeasuredQuality()
    {
        var paths = TestData.Paths;
        TestData.ModelsDirectory();
        var dataset = Flickr8kDataset.Load(TestData.Flickr8kDirectory());
        string modelFolder = Captioner.DefaultModelFolder(paths);
        Assert.True(File.Exists(Path.Combine(modelFolder, DecoderModel.WeightsFileName)), $"no shipped model at {modelFolder}");

        using var captioner = await Captioner.CreateAsync(paths, modelFolder, TestContext.Current.CancellationToken);
        var images = dataset.Split(DatasetSplit.Test).Take(SubsetSize).ToList();
        var results = captioner.CaptionBatch(images.Select(dataset.ImagePath).ToList(), new DecodingOptions { BeamWidth = 3 });
        var hypotheses = images.Zip(results).ToDictionary(p => p.First, p => p.Second.Best.Text);
        var scores = CaptionEvaluator.Evaluate(hypotheses, dataset.Captions);

        TestContext.Current.SendDiagnosticMessage($"200-image test subset: {scores}");
        Assert.True(scores.Bleu4 >= MinBleu4, $"BLEU-4 {scores.Bleu4:F4} < {MinBleu4}");
        Assert.True(scores.CiderD >= MinCiderD, $"CIDEr-D {scores.CiderD:F4} < {MinCiderD}");

        // Readable English: no word repeated back to back, and almost no <unk>.
        var words = results.SelectMany(r => r.Best.Words).ToList();
        Assert.True(words.Count(w => w == "<unk>") < 0.01 * words.Count, "too many <unk> in generated captions");
        foreach (var result in results)
        {
            var w = result.Best.Words;
            for (int i = 1; i < w.Count; i++)
                Assert.False(w[i] == w[i - 1] && w[i] is not ("a" or "the"), $"repeated word in '{result.Best.Text}'");
        }
    }
}
