using ImageCaptioning.Captioning;
using ImageCaptioning.Data;
using ImageCaptioning.Decoder;
using ImageCaptioning.Metrics;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Quality;

/// <summary>
/// Regression guard for the model in models/: caption a fixed 200-image slice of the Flickr8k test split end to end
/// (image file → encoder → the default decoding) and check the scores stay near what the model card reports. The thresholds sit
/// a margin below the measured values (see MODEL_CARD.md), so a real regression fails while run-to-run noise
/// (there is none: decoding is deterministic) cannot.
/// </summary>
public class ShippedModelQualityTests
{
    private const int SubsetSize = 200;
    // Measured on this subset with the shipped weights and the default decoding (beam 5, consensus re-ranking):
    // BLEU-4 0.2009, CIDEr-D 0.5429 (MODEL_CARD.md, "Regression
    // subset"). The thresholds are 90 % of those: decoding is deterministic, so only a real change can cross them.
    private const double MinBleu4 = 0.181;
    private const double MinCiderD = 0.489;

    [Fact]
    public async Task TheShippedModelCaptionsATestSubsetAtItsMeasuredQuality()
    {
        var paths = TestData.Paths;
        TestData.ModelsDirectory();
        var dataset = Flickr8kDataset.Load(TestData.Flickr8kDirectory());
        string modelFolder = Captioner.DefaultModelFolder(paths);
        Assert.True(File.Exists(Path.Combine(modelFolder, DecoderModel.WeightsFileName)), $"no shipped model at {modelFolder}");

        using var captioner = await Captioner.CreateAsync(paths, modelFolder, ct: TestContext.Current.CancellationToken);
        var images = dataset.Split(DatasetSplit.Test).Take(SubsetSize).ToList();
        var results = captioner.CaptionBatch(images.Select(dataset.ImagePath).ToList(), DecodingOptions.Default);
        var hypotheses = images.Zip(results).ToDictionary(p => p.First, p => p.Second.Best.Text);
        var scores = CaptionEvaluator.Evaluate(hypotheses, dataset.Captions);

        TestContext.Current.SendDiagnosticMessage($"200-image test subset: {scores}");
        Assert.True(scores.Bleu4 >= MinBleu4, $"BLEU-4 {scores.Bleu4:F4} < {MinBleu4}");
        Assert.True(scores.CiderD >= MinCiderD, $"CIDEr-D {scores.CiderD:F4} < {MinCiderD}");

        // Readable English: no loops (a repeated trigram), a doubled word ("football football") in under 1 % of
        // captions (measured: 1 of the 1000 test captions), and almost no <unk>.
        var words = results.SelectMany(r => r.Best.Words).ToList();
        Assert.True(words.Count(w => w == "<unk>") < 0.01 * words.Count, "too many <unk> in generated captions");
        int stutters = 0;
        foreach (var result in results)
        {
            var w = result.Best.Words;
            var trigrams = w.Zip(w.Skip(1), w.Skip(2)).ToList();
            Assert.True(trigrams.Distinct().Count() == trigrams.Count, $"a loop in '{result.Best.Text}'");
            if (Enumerable.Range(1, Math.Max(0, w.Count - 1)).Any(i => w[i] == w[i - 1])) stutters++;
        }
        Assert.True(stutters < 0.01 * results.Count, $"{stutters} of {results.Count} captions double a word");
    }
}
