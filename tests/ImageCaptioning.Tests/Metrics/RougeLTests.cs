using ImageCaptioning.Metrics;
using static ImageCaptioning.Tests.Metrics.MetricInputs;

namespace ImageCaptioning.Tests.Metrics;

/// <summary>ROUGE-L as coco-caption's rouge.py computes it, checked on examples worked by hand.</summary>
public class RougeLTests
{
    [Fact]
    public void HandWorkedExample()
    {
        // hyp "a dog runs" (3)
        //   ref "a dog runs in the park" (6): LCS "a dog runs" = 3 → P = 3/3, R = 3/6
        //   ref "the dog is running" (4):     LCS "dog" = 1        → P = 1/3, R = 1/4
        // max P = 1, max R = 0.5 → F = (1 + 1.44)·1·0.5 / (0.5 + 1.44·1) = 1.22 / 1.94
        double score = RougeL.ScoreImage(Words("a dog runs"), [Words("a dog runs in the park"), Words("the dog is running")]);
        Assert.Equal(1.22 / 1.94, score, 1e-12);
    }

    [Fact]
    public void MaxPrecisionAndMaxRecallMayComeFromDifferentReferences()
    {
        // ref 1 "a dog runs in the park": P = 1, R = 0.5; ref 2 "dog runs": LCS 2 → P = 2/3, R = 1.
        // The reference combines max P = 1 with max R = 1 → F = 1, though no reference matches fully.
        double score = RougeL.ScoreImage(Words("a dog runs"), [Words("a dog runs in the park"), Words("dog runs")]);
        Assert.Equal(1.0, score, 1e-12);
    }

    [Fact]
    public void LongestCommonSubsequenceSkipsGaps()
    {
        Assert.Equal(4, RougeL.LongestCommonSubsequence(Words("a man in a red shirt"), Words("a man wearing a shirt")));
        Assert.Equal(0, RougeL.LongestCommonSubsequence(Words("x y"), Words("a b c")));
        Assert.Equal(0, RougeL.LongestCommonSubsequence([], Words("a b c")));
    }

    [Fact]
    public void RepeatedWordsCountOnlyAsOftenAsTheyAlign()
    {
        // hyp "the the the" vs ref "the cat": LCS 1 → P = 1/3, R = 1/2 → F = 2.44·(1/6) / (1/2 + 1.44/3)
        double score = RougeL.ScoreImage(Words("the the the"), [Words("the cat")]);
        Assert.Equal(2.44 * (1.0 / 6) / (0.5 + 1.44 / 3), score, 1e-12);
    }

    [Fact]
    public void EmptyHypothesisScoresZero() =>
        Assert.Equal(0.0, RougeL.ScoreImage([], [Words("a dog runs")]));

    [Fact]
    public void EmptyHypothesisAgainstAnEmptyReferenceScoresOneAsInTheReference()
    {
        // Python's "".split(" ") is [""]: two empty captions share one empty token, LCS 1 → P = R = 1.
        Assert.Equal(1.0, RougeL.ScoreImage([], [Words(""), Words("a dog")]), 1e-12);
    }

    [Fact]
    public void CorpusScoreIsTheMeanOverImages()
    {
        var result = RougeL.Score(
        [
            Named("one", "a dog runs", "a dog runs in the park", "the dog is running"),
            Named("two", "a dog runs", "a dog runs in the park", "dog runs"),
        ]);
        Assert.Equal((1.22 / 1.94 + 1.0) / 2, result.Corpus, 1e-12);
        Assert.Equal(2, result.PerImage.Count);
    }
}
