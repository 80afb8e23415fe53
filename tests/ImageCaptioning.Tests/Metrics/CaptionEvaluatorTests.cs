using ImageCaptioning.Metrics;

namespace ImageCaptioning.Tests.Metrics;

/// <summary>The raw-text entry point: tokenisation + all metrics, its invariants and its errors.</summary>
public class CaptionEvaluatorTests
{
    private static readonly Dictionary<string, IReadOnlyList<string>> References = new()
    {
        ["dog.jpg"] =
        [
            "A black dog is running through the green grass .",
            "A dog runs across a grassy field .",
            "The black dog runs in the grass .",
        ],
        ["beach.jpg"] =
        [
            "Two children are playing in the sand on the beach .",
            "Kids build a sandcastle near the ocean .",
            "Two kids play on a sandy beach .",
        ],
        ["bike.jpg"] =
        [
            "A man rides a red bicycle down a dirt path .",
            "A cyclist on a mountain bike rides along a trail .",
            "A man on a bike riding on a dirt trail .",
        ],
    };

    private static Dictionary<string, string> Hypotheses(Func<string, string> captionOf) =>
        References.Keys.ToDictionary(id => id, captionOf);

    [Fact]
    public void AHypothesisEqualToAReferenceScoresHigherThanTheSameWordsShuffled()
    {
        var exact = CaptionEvaluator.Evaluate(Hypotheses(id => References[id][0]), References);
        var shuffled = CaptionEvaluator.Evaluate(Hypotheses(id => Shuffle(References[id][0])), References);

        Assert.True(exact.Bleu4 > shuffled.Bleu4, $"BLEU-4 {exact.Bleu4} vs {shuffled.Bleu4}");
        Assert.True(exact.RougeL > shuffled.RougeL, $"ROUGE-L {exact.RougeL} vs {shuffled.RougeL}");
        Assert.True(exact.CiderD > shuffled.CiderD, $"CIDEr-D {exact.CiderD} vs {shuffled.CiderD}");
        // Same words, so unigram precision is the same.
        Assert.Equal(exact.Bleu1, shuffled.Bleu1, 1e-12);
    }

    [Fact]
    public void ScoresDoNotDependOnImageOrder()
    {
        var hypotheses = Hypotheses(id => References[id][1]);
        var forward = CaptionEvaluator.Evaluate(hypotheses, References);
        var reversedHypotheses = hypotheses.Reverse().ToDictionary(p => p.Key, p => p.Value);
        var reversedReferences = References.Reverse().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(forward, CaptionEvaluator.Evaluate(reversedHypotheses, reversedReferences));
    }

    [Fact]
    public void TokenisesLikeCocoCaptionBeforeScoring()
    {
        // Case, punctuation and "grey"/"gray" do not matter after PTB tokenisation.
        var references = new Dictionary<string, IReadOnlyList<string>> { ["a.jpg"] = ["A grey dog runs ."], ["b.jpg"] = ["Two cats sleep ."] };
        var loud = CaptionEvaluator.Evaluate(new Dictionary<string, string> { ["a.jpg"] = "A GRAY dog, runs!", ["b.jpg"] = "two cats sleep" }, references);
        Assert.Equal(1.0, loud.Bleu1, 1e-9);
        Assert.Equal(1.0, loud.RougeL, 1e-12);
    }

    [Fact]
    public void PreTokenisedReferencesGiveTheSameScores()
    {
        var hypotheses = Hypotheses(id => References[id][2]);
        var once = TokenizedReferences.Create(References);
        Assert.Equal(CaptionEvaluator.Evaluate(hypotheses, References), CaptionEvaluator.Evaluate(hypotheses, once));
    }

    [Fact]
    public void OnlyImagesWithHypothesesAreScored()
    {
        var scores = CaptionEvaluator.Evaluate(new Dictionary<string, string> { ["dog.jpg"] = "a dog runs" }, References);
        Assert.Equal(1, scores.Images);
    }

    [Fact]
    public void DetailedResultHasEveryImageInIdOrderWithItsTokens()
    {
        var evaluation = CaptionEvaluator.EvaluateDetailed(Hypotheses(id => References[id][0]), References);
        Assert.Equal(["beach.jpg", "bike.jpg", "dog.jpg"], evaluation.PerImage.Select(p => p.ImageId));
        var dog = evaluation.PerImage[2];
        Assert.Equal("A black dog is running through the green grass .", dog.Caption);
        Assert.Equal("a black dog is running through the green grass", string.Join(' ', dog.Tokens));
        Assert.Equal(evaluation.Scores.RougeL, evaluation.PerImage.Average(p => p.RougeL), 1e-12);
        Assert.Equal(evaluation.Scores.CiderD, evaluation.PerImage.Average(p => p.CiderD), 1e-12);
    }

    [Fact]
    public void ImageWithoutReferencesIsAClearError()
    {
        var ex = Assert.Throws<CaptionEvaluationException>(() =>
            CaptionEvaluator.Evaluate(new Dictionary<string, string> { ["cat.jpg"] = "a cat" }, References));
        Assert.Contains("cat.jpg", ex.Message);
    }

    [Fact]
    public void ImageWithAnEmptyReferenceListIsAClearError()
    {
        var references = new Dictionary<string, IReadOnlyList<string>> { ["cat.jpg"] = [] };
        var ex = Assert.Throws<CaptionEvaluationException>(() =>
            CaptionEvaluator.Evaluate(new Dictionary<string, string> { ["cat.jpg"] = "a cat" }, references));
        Assert.Contains("cat.jpg", ex.Message);
    }

    [Fact]
    public void NoHypothesesIsAClearError() =>
        Assert.Throws<CaptionEvaluationException>(() => CaptionEvaluator.Evaluate(new Dictionary<string, string>(), References));

    [Fact]
    public void EmptyCaptionIsScoredNotRejected()
    {
        var scores = CaptionEvaluator.Evaluate(new Dictionary<string, string> { ["dog.jpg"] = "", ["bike.jpg"] = "a man rides a bike" }, References);
        Assert.True(scores.CiderD > 0);
        Assert.True(scores.RougeL > 0);
    }

    [Fact]
    public void TableAndSummaryNameEveryMetric()
    {
        var scores = new CaptionScores(0.61, 0.42, 0.29, 0.2, 0.45, 0.5, 1000);
        foreach (string name in new[] { "BLEU-1", "BLEU-2", "BLEU-3", "BLEU-4", "ROUGE-L", "CIDEr-D" })
        {
            Assert.Contains(name, scores.ToTable());
            Assert.Contains(name, scores.ToString());
        }
        Assert.Contains("0.2000", scores.ToTable());
        Assert.Contains("1000 images", scores.ToString());
    }

    /// <summary>Reverses the word order: the same words, none of the original bigrams in order.</summary>
    private static string Shuffle(string caption) =>
        string.Join(' ', caption.TrimEnd(' ', '.').Split(' ').Reverse());
}
