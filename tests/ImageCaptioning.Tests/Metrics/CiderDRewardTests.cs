using ImageCaptioning.Metrics;
using static ImageCaptioning.Tests.Metrics.MetricInputs;

namespace ImageCaptioning.Tests.Metrics;

public class CiderDRewardTests
{
    private static readonly TokenizedImage[] Corpus =
    [
        Named("a", "a dog runs on the grass", "a dog runs on grass", "the brown dog is running", "a dog plays outside"),
        Named("b", "a man rides a red bike", "a man rides a bike", "a cyclist on a road", "man on a red bicycle"),
        Named("c", "two girls swim in a pool", "two girls in a pool", "children swimming", "two kids swim in the water"),
        Named("d", "a zebra eats ice cream", "a dog catches a ball", "the dog jumps for a ball", "a dog in the air"),
    ];

    private static CiderDReward RewardOver(IEnumerable<TokenizedImage> images) =>
        new(images.ToDictionary(i => i.ImageId, i => i.References, StringComparer.Ordinal));

    [Fact]
    public void EqualsCorpusCiderDPerImageWhenBuiltOverTheSameReferences()
    {
        var expected = CiderD.Score(Corpus).PerImage;
        var reward = RewardOver(Corpus);
        for (int i = 0; i < Corpus.Length; i++)
            Assert.Equal(expected[i], reward.Score(Corpus[i].ImageId, Corpus[i].Hypothesis), 12);
    }

    [Fact]
    public void WordsNoReferenceHasCountInTheNormButNeverMatch()
    {
        // "zebra", "eats", "ice", "cream" are in no reference: the caption for d scores like a caption with 5 unknown grams.
        var reward = RewardOver(Corpus);
        double withUnknown = reward.Score("d", Words("a dog catches a ball zebra"));
        double clean = reward.Score("d", Words("a dog catches a ball"));
        Assert.True(clean > withUnknown, $"{clean} vs {withUnknown}");
        Assert.Equal(0.0, reward.Score("d", Words("zebra zebra eats ice cream")));
        // and matches the corpus scorer on the same input
        var corpus = Corpus.ToArray();
        corpus[3] = corpus[3] with { Hypothesis = Words("a dog catches a ball zebra") };
        Assert.Equal(CiderD.Score(corpus).PerImage[3], withUnknown, 12);
    }

    [Fact]
    public void ScoringManyCaptionsIsRepeatableAndOrderIndependent()
    {
        var reward = RewardOver(Corpus);
        double first = reward.Score("b", Words("a man rides a red bike"));
        for (int k = 0; k < 50; k++) reward.Score("a", Words($"word{k} a dog word{k} grass"));
        Assert.Equal(first, reward.Score("b", Words("a man rides a red bike")));
    }

    [Fact]
    public void AnImageWithoutReferencesIsAClearError()
    {
        var ex = Assert.Throws<CaptionEvaluationException>(() => RewardOver(Corpus).Score("nope.jpg", Words("a dog")));
        Assert.Contains("nope.jpg", ex.Message);
    }
}
