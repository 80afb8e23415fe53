using ImageCaptioning.Data;
using ImageCaptioning.Evaluation;
using ImageCaptioning.Metrics;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Metrics;

/// <summary>
/// Integration: a "human" baseline on the real Flickr8k test split — each image's reference #0 scored as the
/// hypothesis against its other four references (leave-one-out). The references and the scorers are fixed, so the
/// scores are pinned to their exact values (MODEL_CARD.md quotes them rounded): any change to the tokeniser or a
/// metric's arithmetic shows up here.
/// </summary>
public class HumanBaselineTests(ITestOutputHelper output)
{
    // Measured with this code on Flickr8k's test split (reference #0 vs #1–#4), to 8 decimals.
    private const double Bleu1 = 0.63659261, Bleu2 = 0.44591128, Bleu3 = 0.30555137, Bleu4 = 0.20948814,
        RougeL = 0.48759941, CiderD = 0.78919939;
    private const double Tolerance = 1e-8;

    [Fact]
    public void LeaveOneOutReferenceScoresArePinned()
    {
        var references = Flickr8kReferences.ForSplit(Flickr8kDataset.Load(TestData.Flickr8kDirectory()), DatasetSplit.Test);
        Assert.Equal(1000, references.Count);
        Assert.All(references.Values, captions => Assert.Equal(5, captions.Count));

        var hypotheses = references.ToDictionary(p => p.Key, p => p.Value[0]);
        var others = references.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value.Skip(1).ToArray());
        var scores = CaptionEvaluator.Evaluate(hypotheses, others);

        output.WriteLine("Flickr8k test, reference #0 vs references #1-#4 (human baseline):");
        output.WriteLine(string.Join(", ", scores.Values.Select(v => $"{v.Name} {v.Value:F8}")));

        Assert.Equal(1000, scores.Images);
        Assert.Equal(Bleu1, scores.Bleu1, Tolerance);
        Assert.Equal(Bleu2, scores.Bleu2, Tolerance);
        Assert.Equal(Bleu3, scores.Bleu3, Tolerance);
        Assert.Equal(Bleu4, scores.Bleu4, Tolerance);
        Assert.Equal(RougeL, scores.RougeL, Tolerance);
        Assert.Equal(CiderD, scores.CiderD, Tolerance);
    }
}
