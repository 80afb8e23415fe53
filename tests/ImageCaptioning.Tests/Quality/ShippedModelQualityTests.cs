using System.Diagnostics;
using ImageCaptioning.Captioning;
using ImageCaptioning.Data;
using ImageCaptioning.Decoding;
using ImageCaptioning.Metrics;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Quality;

/// <summary>
/// Pins the quality of the model in models/: captions the WHOLE Flickr8k test split end to end (image file → encoder →
/// the default decoding, 8 images per batch as `caption` does; one at a time gives the same captions, see
/// <see cref="BatchInvarianceTests"/>) and checks BLEU-4 and CIDEr-D against the figures of
/// MODEL_CARD.md's headline table. Decoding is deterministic, so the tolerance only absorbs floating-point summation
/// order across machines; a model, decoding or metric change that moves a score by more must update the card.
/// The same run checks that the out-of-distribution check flags at most 5 % of these Flickr photos.
/// </summary>
public class ShippedModelQualityTests(ITestOutputHelper output)
{
    // MODEL_CARD.md, "Headline — test split, default decoding" (`caption … --jsonl` then `evaluate --split test`).
    private const double CardBleu4 = 0.2373;
    private const double CardCiderD = 0.5912;
    private const double Tolerance = 0.002;
    private const int Batch = 8;

    [Fact]
    public async Task TheShippedModelScoresItsModelCardFiguresOnTheWholeTestSplit()
    {
        var paths = TestData.Paths;
        TestData.ModelsDirectory();
        var dataset = Flickr8kDataset.Load(TestData.Flickr8kDirectory());
        string modelFolder = Captioner.DefaultModelFolder(paths);
        Assert.True(File.Exists(Path.Combine(modelFolder, DecoderModel.WeightsFileName)), $"no shipped model at {modelFolder}");

        var ct = TestContext.Current.CancellationToken;
        long start = Stopwatch.GetTimestamp();
        using var captioner = await Captioner.CreateAsync(paths, modelFolder, ct: ct);
        var images = dataset.Split(DatasetSplit.Test);
        Assert.Equal(1000, images.Count);
        var results = new List<CaptionResult>(images.Count);
        foreach (var batch in images.Chunk(Batch))
        {
            ct.ThrowIfCancellationRequested();
            results.AddRange(captioner.CaptionBatch(batch.Select(dataset.ImagePath).ToList(), DecodingOptions.Default));
        }
        var hypotheses = images.Zip(results).ToDictionary(p => p.First, p => p.Second.Best.Text);
        var scores = CaptionEvaluator.Evaluate(hypotheses, dataset.Captions);

        output.WriteLine($"whole test split, default decoding: {scores} ({Stopwatch.GetElapsedTime(start).TotalSeconds:F0} s)");
        Assert.Equal(1000, scores.Images);
        Assert.True(Math.Abs(scores.Bleu4 - CardBleu4) <= Tolerance, $"BLEU-4 {scores.Bleu4:F4}, the model card says {CardBleu4}");
        Assert.True(Math.Abs(scores.CiderD - CardCiderD) <= Tolerance, $"CIDEr-D {scores.CiderD:F4}, the model card says {CardCiderD}");

        // The out-of-distribution check was calibrated on dev to flag few Flickr photos: at most 5 % of the test split.
        int flagged = results.Count(r => r.OutOfDistribution?.Flagged ?? throw new InvalidOperationException("the shipped model has no out-of-distribution check"));
        output.WriteLine($"out-of-distribution: {flagged} of {results.Count} test photos flagged");
        Assert.True(flagged <= 0.05 * results.Count, $"{flagged} of {results.Count} Flickr8k test photos flagged as out of distribution");

        // Readable English: no loops (a repeated trigram), a doubled word ("football football") in under 1 % of
        // captions (measured: 0 of the 1000 test captions), and almost no <unk>.
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
