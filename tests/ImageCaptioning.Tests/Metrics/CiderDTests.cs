using ImageCaptioning.Metrics;
using static ImageCaptioning.Tests.Metrics.MetricInputs;

namespace ImageCaptioning.Tests.Metrics;

/// <summary>CIDEr-D as coco-caption's cider_scorer.py computes it, checked on a two-image corpus worked by hand.</summary>
/// <remarks>
/// Corpus: image A refs "a dog", "a cat"; image B refs "a bird", "the sky". Two images → log(#images) = ln 2.
/// df("a") = 2 (both images' references have it) → weight ln 2 − ln 2 = 0; every other reference n-gram has df 1
/// → weight ln 2; an n-gram in no reference gets df max(1, 0) = 1 → weight ln 2 as well.
/// </remarks>
public class CiderDTests
{
    private static MetricResult Score(string hypothesisA, string hypothesisB) => CiderD.Score(
    [
        Named("A", hypothesisA, "a dog", "a cat"),
        Named("B", hypothesisB, "a bird", "the sky"),
    ]);

    [Fact]
    public void HypothesisEqualToOneOfTwoReferences()
    {
        // A: hyp "a dog". Unigram vector {a: 0, dog: ln2}, bigram {a dog: ln2}; lengths (bigram counts) 1 and 1.
        //   vs "a dog": cosine 1 for n = 1 and 2; no 3-/4-grams → 0.   vs "a cat": dog/"a dog" absent → 0.
        //   image score = 10 · mean_n(1, 1, 0, 0) / 2 references = 10 · 0.5 / 2 = 2.5. B the same.
        var result = Score("a dog", "a bird");
        Assert.Equal(2.5, result.PerImage[0], 1e-12);
        Assert.Equal(2.5, result.PerImage[1], 1e-12);
        Assert.Equal(2.5, result.Corpus, 1e-12);
    }

    [Fact]
    public void GaussianLengthPenaltyUsesTheDifferenceInBigramCounts()
    {
        // A: hyp "dog" has no bigrams (length 0); "a dog" has 1 → δ = −1, penalty exp(−1/72).
        //   n = 1: cosine of {dog: ln2} with {a: 0, dog: ln2} = 1, times the penalty; n = 2: zero norm → 0.
        //   image score = 10 · (e^(−1/72) / 4) / 2 = 1.25 · e^(−1/72) ≈ 1.2328
        var result = Score("dog", "a bird");
        Assert.Equal(1.25 * Math.Exp(-1.0 / 72), result.PerImage[0], 1e-12);
    }

    [Fact]
    public void RepeatedNGramsAreClipped()
    {
        // A: hyp "dog dog": unigram {dog: 2·ln2}, norm 2·ln2; bigram {dog dog: ln2} (in no reference).
        //   vs "a dog" (δ = 1 − 1 = 0): n = 1: min(2ln2, ln2)·ln2 / (2ln2 · ln2) = 0.5 (without clipping it would be 1);
        //   n = 2: "dog dog" is not in the reference → 0.   image score = 10 · (0.5 / 4) / 2 = 0.625
        var result = Score("dog dog", "a bird");
        Assert.Equal(0.625, result.PerImage[0], 1e-12);
    }

    [Fact]
    public void WordsInEveryImagesReferencesCarryNoWeight()
    {
        // "a" is in both images' references: weight 0, so "a dog" counts as the vector {dog: ln2} and A's hyp "the dog"
        //   ({the: ln2, dog: ln2}, "the" has df 1 from B) matches it with unigram cosine ln2² / (√2·ln2 · ln2) = 1/√2;
        //   bigrams and "a cat" share nothing; δ = 0. Image score = 10 · ((1/√2) / 4) / 2 = 1.25 / √2 ≈ 0.884.
        //   Were "a" weighted like the other words (ln 2), the cosine would be 1/2 and the score 0.625.
        var result = Score("the dog", "a bird");
        Assert.Equal(1.25 / Math.Sqrt(2), result.PerImage[0], 1e-12);
    }

    [Fact]
    public void EmptyHypothesisScoresZero()
    {
        var result = Score("", "a bird");
        Assert.Equal(0.0, result.PerImage[0]);
        Assert.Equal(2.5, result.PerImage[1], 1e-12);
        Assert.Equal(1.25, result.Corpus, 1e-12);
    }

    [Fact]
    public void SingleImageScoresZeroBecauseEveryWeightIsLogOneMinusLogOne()
    {
        var result = CiderD.Score([Image("only", "a dog runs", "a dog runs")]);
        Assert.Equal(0.0, result.Corpus);
    }

    [Fact]
    public void DocumentFrequencyCountsAnImageOnceHoweverManyOfItsReferencesHaveTheNGram()
    {
        // If A's two references both contained "dog", df(dog) would still be 1, so the weights stay as above
        // and the exact-match hypothesis keeps cosine 1 against both references: 10 · mean(1, 1, 0, 0) = 5.
        var result = CiderD.Score(
        [
            Named("A", "a dog", "a dog", "a dog"),
            Named("B", "a bird", "a bird", "the sky"),
        ]);
        Assert.Equal(5.0, result.PerImage[0], 1e-12);
    }
}
