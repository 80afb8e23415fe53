using ImageCaptioning.Attention;

namespace ImageCaptioning.Tests.Attention;

/// <summary>The attention statistics' arithmetic on hand-made maps, against values computed by hand.</summary>
public class AttentionStatisticsTests
{
    [Fact]
    public void NormalizedEntropyIsEntropyOverLnCells()
    {
        // H([½, ¼, ¼, 0]) = ½ ln 2 + 2·¼ ln 4 = 1.5 ln 2; ln 4 = 2 ln 2 → 0.75 (the 0 cell adds nothing).
        Assert.Equal(0.75, AttentionStatistics.NormalizedEntropy([0.5f, 0.25f, 0.25f, 0f]), 6);
        Assert.Equal(1.0, AttentionStatistics.NormalizedEntropy([0.25f, 0.25f, 0.25f, 0.25f]), 6);
        Assert.Equal(0.0, AttentionStatistics.NormalizedEntropy([0f, 1f, 0f, 0f]), 6);
        // Two cells at ½ out of 49: ln 2 / ln 49 = 0.693147 / 3.891820 = 0.1781036
        var two = new float[49];
        two[3] = two[40] = 0.5f;
        Assert.Equal(0.1781036, AttentionStatistics.NormalizedEntropy(two), 7);
    }

    [Fact]
    public void PeakIsTheLargestWeightTimesTheCellCount()
    {
        Assert.Equal(2.0, AttentionStatistics.PeakTimesUniform([0.5f, 0.25f, 0.25f, 0f]), 6);
        Assert.Equal(1.0, AttentionStatistics.PeakTimesUniform([0.25f, 0.25f, 0.25f, 0.25f]), 6);
        var map = Enumerable.Repeat(0.5f / 48, 49).ToArray();
        map[10] = 0.5f;                                   // half the mass on one cell of 49: 24.5× uniform
        Assert.Equal(24.5, AttentionStatistics.PeakTimesUniform(map), 5);
    }

    [Fact]
    public void TopCellsAndMedian()
    {
        Assert.Equal([1, 2], AttentionStatistics.TopCells([0.1f, 0.4f, 0.4f, 0.1f], 2)); // tie: lower index first
        Assert.Equal([3], AttentionStatistics.TopCells([0.1f, 0.2f, 0.3f, 0.4f], 1));
        Assert.Equal(2.5, AttentionStatistics.Median([1, 3, 2, 10]));
        Assert.Equal(3.0, AttentionStatistics.Median([5, 3, 1]));
    }

    [Fact]
    public void TheReportAveragesOverWordsAndDecoders()
    {
        float[] half = [0.5f, 0.25f, 0.25f, 0f], flat = [0.25f, 0.25f, 0.25f, 0.25f], onehot = [1f, 0f, 0f, 0f];
        // Caption 1: one content word seen by two decoders; caption 2: one word; caption 3: no content word.
        var first = new ContentWordProbe(0, "dog", [half, flat], [0.8, 0.6], [0.2, 0.5], [0.7, 0.4]);
        var second = new ContentWordProbe(2, "ball", [onehot, half], [0.9, 0.3], [0.1, 0.3], [0.8, 0.2]);
        var report = AttentionReport.From([[first], [second], []], maskedCells: 1, randomDraws: 4);

        Assert.Equal(2, report.Captions);
        Assert.Equal(2, report.ContentWords);
        Assert.Equal(2, report.Decoders);
        Assert.Equal(4, report.Positions);
        Assert.Equal((0.75 + 1 + 0 + 0.75) / 4, report.MeanNormalizedEntropy, 6);   // 0.625
        Assert.Equal((2.0 + 2.0) / 2, report.MedianPeakTimesUniform, 6);            // peaks 2, 1, 4, 2 → median 2
        // Shown maps: mean of the two decoders' maps. Word 1: [0.375, 0.25, 0.25, 0.125], word 2: [0.75, 0.125, 0.125, 0].
        double h1 = -(0.375 * Math.Log(0.375) + 2 * 0.25 * Math.Log(0.25) + 0.125 * Math.Log(0.125)) / Math.Log(4);
        double h2 = -(0.75 * Math.Log(0.75) + 2 * 0.125 * Math.Log(0.125)) / Math.Log(4);
        Assert.Equal((h1 + h2) / 2, report.ShownMeanNormalizedEntropy, 6);
        Assert.Equal((1.5 + 3.0) / 2, report.ShownMedianPeakTimesUniform, 6);
        // Drops: top 0.6, 0.1, 0.8, 0.0 → mean 0.375; random 0.1, 0.2, 0.1, 0.1 → mean 0.125.
        Assert.Equal(0.375, report.MeanTopMaskDrop, 6);
        Assert.Equal(0.125, report.MeanRandomMaskDrop, 6);
        // Top hurts more for (dog, 0) and (ball, 0) only: 2 of 4.
        Assert.Equal(0.5, report.ShareTopMaskHurtsMore, 6);
    }

    [Theory]
    [InlineData("dog", true)]
    [InlineData("running", true)]
    [InlineData("red", true)]
    [InlineData("a", false)]
    [InlineData("is", false)]
    [InlineData("in", false)]
    [InlineData("two", false)]
    [InlineData("their", false)]
    [InlineData("<end>", false)]
    public void ContentWordsAreTheWordsOutsideTheClosedClasses(string word, bool content) =>
        Assert.Equal(content, ContentWords.IsContentWord(word));

    [Fact]
    public void TheContentWordMaskMarksAVocabularysContentWordsById()
    {
        var vocabulary = ImageCaptioning.Data.Vocabulary.Build([["a", "dog", "runs", "in", "the", "grass"]], minCount: 1);
        var mask = ContentWords.Mask(vocabulary);
        Assert.Equal(vocabulary.Count, mask.Length);
        Assert.Equal(["dog", "grass", "runs"], vocabulary.Tokens.Where((_, id) => mask[id]).Order());   // not <pad> … <unk>, "a", "in", "the"
    }
}
