using ImageCaptioning.Data;
using ImageCaptioning.Decoding;
using ImageCaptioning.Training.SelfCritical;

namespace ImageCaptioning.Tests.Training.SelfCritical;

public class SelfCriticalBatchTests
{
    private static GeneratedCaption Caption(int[] ids, bool finished) =>
        new(string.Join(' ', ids), ids.Select(i => $"w{i}").ToArray(), ids, -1.0, -1.0, finished, []);

    [Fact]
    public void EachSampleIsWeightedByItsRewardMinusTheMeanOfItsSiblings()
    {
        const int gridFloats = 3;
        float[] grids = [1, 1, 1, 2, 2, 2];
        var samples = new IReadOnlyList<GeneratedCaption>[]
        {
            [Caption([4, 5], true), Caption([6], true), Caption([7, 8, 9], false)],
            [Caption([10, 11, 12, 13], true), Caption([4], true), Caption([5, 6], true)],
        };
        double[][] rewards = [[1.0, 0.4, 0.1], [0.0, 0.9, 0.3]];
        var (batch, stats) = SelfCriticalBatch.Build(grids, gridFloats, ["x.jpg", "y.jpg"], samples, rewards);

        Assert.Equal(6, batch.Size);
        // Sorted longest first by predictions = words + <end> if finished: [10..13]+end=5, [7,8,9] cut off=3, [4,5]+end=3, [5,6]+end=3, [6]+end=2, [4]+end=2.
        Assert.Equal([5, 3, 3, 3, 2, 2], batch.Lengths);
        Assert.NotNull(batch.Weights);
        // Advantage of image y's first sample: 0 − (0.9 + 0.3)/2 = −0.6; it is the longest row.
        Assert.Equal(-0.6f, batch.Weights![0], 5);
        Assert.Equal(2f, batch.Grids[0]);                                  // row 0 reads image y's grid
        int width = batch.MaxSteps + 1;
        Assert.Equal([Vocabulary.StartId, 10, 11, 12, 13, Vocabulary.EndId], batch.Tokens[..width]);
        // The cut-off sample has no <end> to predict.
        int cut = Enumerable.Range(0, 6).First(b => batch.Tokens[b * width + 1] == 7);
        Assert.Equal([Vocabulary.StartId, 7, 8, 9, Vocabulary.PadId, Vocabulary.PadId], batch.Tokens.Skip(cut * width).Take(width));
        // Leave-one-out advantages of an image sum to zero: Σ (r_k − mean of others) = (K/(K−1))·Σ (r_k − mean).
        Assert.Equal(0.0, batch.Weights.Sum(), 5);
        Assert.Equal((1.0 + 0.4 + 0.1 + 0 + 0.9 + 0.3) / 6, stats.MeanReward, 9);
        Assert.Equal((1.0 + 0.9) / 2, stats.BestReward, 9);
    }
}
