using ImageCaptioning.Metrics;
using static ImageCaptioning.Tests.Metrics.MetricInputs;

namespace ImageCaptioning.Tests.Metrics;

/// <summary>BLEU as coco-caption's bleu_scorer.py computes it (option "closest"), checked on examples worked by hand.</summary>
public class BleuTests
{
    // Smoothing leaves equal lengths with a brevity penalty of exp(1 - (6 + 1e-9)/(6 + 1e-15)) ≈ 1 - 1.7e-10.
    private const double Tolerance = 1e-9;

    [Fact]
    public void HandWorkedSentence()
    {
        // hyp  "the cat sat on the mat" (6 words), refs "the cat is on the mat" (6), "there is a cat on the mat" (7)
        // 1-grams: the×2 (max in a ref: 2), cat, sat (0), on, mat → 5 of 6
        // 2-grams: the cat ✓, cat sat ✗, sat on ✗, on the ✓, the mat ✓ → 3 of 5
        // 3-grams: the cat sat, cat sat on, sat on the ✗, on the mat ✓ → 1 of 4
        // 4-grams: none of 3 → (0 + 1e-15)/(3 + 1e-9)
        // closest reference length 6 = hypothesis length → no brevity penalty (up to the smoothing above)
        var result = Bleu.Score([Image("the cat sat on the mat", "the cat is on the mat", "there is a cat on the mat")]);
        Assert.Equal(5.0 / 6, result.Corpus.Bleu1, Tolerance);
        Assert.Equal(Math.Sqrt(5.0 / 6 * 3 / 5), result.Corpus.Bleu2, Tolerance); // √0.5
        Assert.Equal(0.5, result.Corpus.Bleu3, Tolerance);                         // ∛(5/6 · 3/5 · 1/4) = ∛(1/8)
        Assert.Equal(Math.Pow(0.125 * 1e-15 / 3, 0.25), result.Corpus.Bleu4, 1e-12); // ≈ 8.03e-5, not 0
        Assert.Equal(6, result.HypothesisLength);
        Assert.Equal(6, result.ReferenceLength);
    }

    [Fact]
    public void ShortHypothesisGetsTheBrevityPenaltyAndZeroGuessesGiveTheSmoothedRatio()
    {
        // hyp "a cat" (2), refs "a cat sits" (3) and "the cat sits on a mat" (6): closest length 3.
        // precisions: 2/2, 1/1, then no 3- or 4-grams at all: (0 + 1e-15)/(0 + 1e-9) = 1e-6 each.
        // penalty exp(1 - 3/2) = e^-0.5
        var result = Bleu.Score([Image("a cat", "a cat sits", "the cat sits on a mat")]);
        double penalty = Math.Exp(-0.5);
        Assert.Equal(penalty, result.Corpus.Bleu1, Tolerance);
        Assert.Equal(penalty, result.Corpus.Bleu2, Tolerance);
        Assert.Equal(Math.Cbrt(1e-6) * penalty, result.Corpus.Bleu3, Tolerance);          // 0.01 · e^-0.5
        Assert.Equal(Math.Pow(1e-12, 0.25) * penalty, result.Corpus.Bleu4, Tolerance);    // 0.001 · e^-0.5
    }

    [Fact]
    public void CorpusBleuSumsCountsOverImagesInsteadOfAveragingSentences()
    {
        // The two examples above together: matches 5+2, 3+1, 1+0, 0+0 over guesses 6+2, 5+1, 4+0, 3+0;
        // lengths 6+2 = 8 against 6+3 = 9 → penalty exp(1 - 9/8).
        var result = Bleu.Score(
        [
            Named("one", "the cat sat on the mat", "the cat is on the mat", "there is a cat on the mat"),
            Named("two", "a cat", "a cat sits", "the cat sits on a mat"),
        ]);
        double penalty = Math.Exp(1 - 9.0 / 8);
        Assert.Equal(7.0 / 8 * penalty, result.Corpus.Bleu1, Tolerance);
        Assert.Equal(Math.Sqrt(7.0 / 8 * 4 / 6) * penalty, result.Corpus.Bleu2, Tolerance);
        Assert.Equal(Math.Cbrt(7.0 / 8 * 4 / 6 * 1 / 4) * penalty, result.Corpus.Bleu3, Tolerance);
        double meanOfSentences = (result.PerImage[0].Bleu1 + result.PerImage[1].Bleu1) / 2;
        Assert.NotEqual(meanOfSentences, result.Corpus.Bleu1, 1e-3);
    }

    [Fact]
    public void ClosestReferenceLengthTiesGoToTheShorterReference()
    {
        // hyp of 5 words, references of 4 and 6 words: both 1 away; the shorter (4) makes the ratio 5/4, no penalty.
        // (Choosing 6 would multiply by exp(1 - 6/5) ≈ 0.82.)
        var result = Bleu.Score([Image("x y z w v", "x y z w", "x y z w v u")]);
        Assert.Equal(4, result.ReferenceLength);
        Assert.Equal(1.0, result.Corpus.Bleu1, Tolerance);
        Assert.Equal(4, Bleu.ClosestReferenceLength(5, [6, 4]));
        Assert.Equal(6, Bleu.ClosestReferenceLength(5, [6, 3]));
    }

    [Fact]
    public void HypothesisLongerThanEveryReferenceIsPenalisedOnlyThroughPrecision()
    {
        // 8 words, references of 3 and 4: closest is 4, ratio 2 > 1 → no brevity penalty.
        // Unigrams matched: a, dog, runs, fast → 4 of 8.
        var result = Bleu.Score([Image("a dog runs on the green grass fast", "a dog runs", "a dog runs fast")]);
        Assert.Equal(0.5, result.Corpus.Bleu1, Tolerance);
        Assert.Equal(4, result.ReferenceLength);
    }

    [Fact]
    public void RepeatedNGramsAreClippedToTheMostAnyOneReferenceHas()
    {
        // "the" ×4 in the hypothesis; at most 2 in one reference → 2 of 4. "the the" ×3, at most 1 → 1 of 3.
        var result = Bleu.Score([Image("the the the the", "the cat", "the the dog")]);
        Assert.Equal(0.5, result.Corpus.Bleu1, Tolerance);
        Assert.Equal(Math.Sqrt(0.5 * (1.0 / 3)), result.Corpus.Bleu2, Tolerance);
    }

    [Fact]
    public void EmptyHypothesisScoresZero()
    {
        // No words: ratio (0 + 1e-15)/(3 + 1e-9) makes the penalty exp(1 - 3e15) = 0.
        var result = Bleu.Score([Image("", "a dog runs")]);
        Assert.Equal(new BleuScores(0, 0, 0, 0), result.Corpus);
    }

    [Fact]
    public void SingleReferenceEqualToTheHypothesisScoresOne()
    {
        var result = Bleu.Score([Image("a brown dog runs through the grass", "a brown dog runs through the grass")]);
        for (int n = 1; n <= 4; n++)
            Assert.Equal(1.0, result.Corpus[n], Tolerance);
    }

    [Fact]
    public void PerImageScoresAreSentenceBleuOfThatImageAlone()
    {
        var pair = Bleu.Score(
        [
            Named("one", "the cat sat on the mat", "the cat is on the mat", "there is a cat on the mat"),
            Named("two", "a cat", "a cat sits", "the cat sits on a mat"),
        ]);
        var alone = Bleu.Score([Named("two", "a cat", "a cat sits", "the cat sits on a mat")]);
        Assert.Equal(alone.Corpus, pair.PerImage[1]);
    }

    [Fact]
    public void ImageWithoutReferencesIsRejected()
    {
        var ex = Assert.Throws<CaptionEvaluationException>(() => Bleu.Score([new TokenizedImage("lonely.jpg", Words("a dog"), [])]));
        Assert.Contains("lonely.jpg", ex.Message);
    }
}
