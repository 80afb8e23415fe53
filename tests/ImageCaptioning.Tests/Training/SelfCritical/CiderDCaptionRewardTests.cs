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
}
