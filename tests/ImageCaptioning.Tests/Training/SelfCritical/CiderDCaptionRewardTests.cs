using ImageCaptioning.Decoding;
using ImageCaptioning.Training.SelfCritical;

namespace ImageCaptioning.Tests.Training.SelfCritical;

public class CiderDCaptionRewardTests
{
    private static readonly Dictionary<string, IReadOnlyList<string>> References = new()
    {
        ["bench.jpg"] = ["A man sits on a bench.", "A man is sitting on a park bench .", "An old man sits on a bench"],
        ["dog.jpg"] = ["A dog runs on the grass .", "The brown dog is running", "A dog plays outside"],
        ["bike.jpg"] = ["A man rides a red bike", "A cyclist on a road", "A man on a red bicycle ."],
    };

    private static GeneratedCaption Caption(string text, bool finished = true) =>
        new(text, text.Split(' '), [], 0, 0, finished, []);

    [Fact]
    public void AnEndingThatReferencesHaveIsRewardedAndAPhraseCutShortIsNot()
    {
        var reward = new CiderDCaptionReward(References);
        double good = reward.Score("bench.jpg", Caption("a man sits on a bench"));
        double cutShort = reward.Score("bench.jpg", Caption("a man sits on a"));
        double goodUnfinished = reward.Score("bench.jpg", Caption("a man sits on a bench", finished: false));

        Assert.True(good > goodUnfinished, $"matching 'bench <eos>' should pay: {good:F3} vs {goodUnfinished:F3}");
        Assert.True(cutShort < 0.6 * good, $"'a man sits on a' should be far below the full caption: {cutShort:F3} vs {good:F3}");
    }

    [Fact]
    public void CaptionsAreTokenisedLikeTheEvaluation()
    {
        var reward = new CiderDCaptionReward(References);
        Assert.Equal(reward.Score("dog.jpg", Caption("a dog runs on the grass")), reward.Score("dog.jpg", Caption("A dog runs on the grass .")), 12);
    }

    [Fact]
    public void AZeroPrecisionWeightIsCiderDAlone()
    {
        var plain = new CiderDCaptionReward(References);
        var zero = new CiderDCaptionReward(References, unigramPrecisionWeight: 0);
        foreach (var text in (string[])["a man sits on a bench", "a dog sits on a bench", "a red bike"])
            Assert.Equal(plain.Score("bench.jpg", Caption(text)), zero.Score("bench.jpg", Caption(text)));
    }

    [Theory]
    [InlineData("a man sits on a bench", 6.0 / 6)]     // every word in one reference, "a" twice as the first reference has it
    [InlineData("a dog sits on a bench", 5.0 / 6)]     // "dog" is in none of the bench photo's references
    [InlineData("a man a a", 3.0 / 4)]                 // "a" clipped to 2, the most any one reference uses it
    public void ThePrecisionTermAddsWTimesTheClippedUnigramPrecision(string text, double precision)
    {
        var plain = new CiderDCaptionReward(References);
        var weighted = new CiderDCaptionReward(References, unigramPrecisionWeight: 0.5);
        Assert.Equal(plain.Score("bench.jpg", Caption(text)) + 0.5 * precision, weighted.Score("bench.jpg", Caption(text)), 12);
    }

    [Fact]
    public void ClippedUnigramPrecisionOfNothingIsZeroAndAnUnknownImageIsAnError()
    {
        var precision = new ClippedUnigramPrecision(new Dictionary<string, IReadOnlyList<IReadOnlyList<string>>>
        {
            ["x.jpg"] = [["a", "dog"], ["the", "dog", "dog"]],
        });
        Assert.Equal(0, precision.Score("x.jpg", []));
        Assert.Equal(1.0, precision.Score("x.jpg", ["dog", "dog"]));
        Assert.Equal(2.0 / 3, precision.Score("x.jpg", ["dog", "dog", "dog"]), 12);
        Assert.Throws<KeyNotFoundException>(() => precision.Score("y.jpg", ["dog"]));
    }

    [Fact]
    public void ANegativePrecisionWeightIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CiderDCaptionReward(References, unigramPrecisionWeight: -1));
}
