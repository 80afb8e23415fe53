using ImageCaptioning.Data;
using ImageCaptioning.Metrics;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Metrics;

/// <summary>
/// Integration: a "human" baseline on the real Flickr8k test split — each image's reference #0 scored as the
/// hypothesis against its other four references (leave-one-out). Published human scores on COCO are around
/// BLEU-4 0.2, ROUGE-L 0.48, CIDEr 0.85; Flickr8k should land nearby.
/// </summary>
public class HumanBaselineTests(ITestOutputHelper output)
{
    [Fact]
    public void LeaveOneOutReferenceScoresAreInAPlausibleRange()
    {
        var references = Flickr8kReferences.ForSplit(Flickr8kDataset.Load(TestData.Flickr8kDirectory()), DatasetSplit.Test);
        Assert.Equal(1000, references.Count);
        Assert.All(references.Values, captions => Assert.Equal(5, captions.Count));

        var hypotheses = references.ToDictionary(p => p.Key, p => p.Value[0]);
        var others = references.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value.Skip(1).ToArray());
        var scores = CaptionEvaluator.Evaluate(hypotheses, others);

        output.WriteLine("Flickr8k test, reference #0 vs references #1-#4 (human baseline):");
        output.WriteLine(scores.ToTable());

        Assert.Equal(1000, scores.Images);
        Assert.InRange(scores.Bleu1, 0.45, 0.85);
        Assert.InRange(scores.Bleu4, 0.1, 0.5);
        Assert.True(scores.Bleu1 > scores.Bleu2 && scores.Bleu2 > scores.Bleu3 && scores.Bleu3 > scores.Bleu4);
        Assert.InRange(scores.RougeL, 0.3, 0.7);
        Assert.InRange(scores.CiderD, 0.4, 1.5);
    }
}
