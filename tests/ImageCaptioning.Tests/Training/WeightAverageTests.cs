using ImageCaptioning.Training.Autograd;
using ImageCaptioning.Training.Optimization;

namespace ImageCaptioning.Tests.Training;

/// <summary>The moving average of the weights on one tiny parameter, by hand.</summary>
public class WeightAverageTests
{
    // Halves and small integers: every average below is exact in float32.
    private static (Tensor Weights, WeightAverage Average) Create(float decay, float[] start)
    {
        var weights = new Tensor(start, 1, start.Length, requiresGrad: true);
        return (weights, new WeightAverage([("w", weights)], decay));
    }

    [Fact]
    public void TwoStepsGiveDTimesTheOldAveragePlusOneMinusDTimesTheWeights()
    {
        var (weights, average) = Create(0.5f, [4f, 8f, -2f]);

        Assert.Equal([4f, 8f, -2f], average.Averages[0]);   // starts at the weights: no pull towards zero
        float[] first = [2f, 0f, 6f];
        first.CopyTo(weights.Data, 0);
        average.Update();
        Assert.Equal([3f, 4f, 2f], average.Averages[0]);    // ½·(4, 8, −2) + ½·(2, 0, 6)
        float[] second = [0f, 4f, 2f];
        second.CopyTo(weights.Data, 0);
        average.Update();
        Assert.Equal([1.5f, 4f, 2f], average.Averages[0]);  // ½·(3, 4, 2) + ½·(0, 4, 2)
    }

    [Fact]
    public void ADecayOfPointNineKeepsNineTenthsOfTheOldAverage()
    {
        var (weights, average) = Create(0.9f, [1f, -1f]);
        float[] step1 = [2f, 3f], step2 = [-4f, 5f];
        step1.CopyTo(weights.Data, 0);
        average.Update();
        step2.CopyTo(weights.Data, 0);
        average.Update();

        // d²·w0 + d(1−d)·w1 + (1−d)·w2
        Assert.Equal(0.81 * 1 + 0.09 * 2 + 0.1 * -4, average.Averages[0][0], tolerance: 1e-6);
        Assert.Equal(0.81 * -1 + 0.09 * 3 + 0.1 * 5, average.Averages[0][1], tolerance: 1e-6);
    }

    [Fact]
    public void SwappingPutsTheAverageInTheWeightArraysAndGivesTheTrainingWeightsBackExactly()
    {
        var (weights, average) = Create(0.5f, [4f, 8f, -2f]);
        float[] trained = [0.1f, 1e-7f, -3.3f];
        trained.CopyTo(weights.Data, 0);
        average.Update();
        var averaged = average.Averages[0].ToArray();

        using (average.Swapped())
            Assert.Equal(averaged, weights.Data);
        Assert.Equal(trained, weights.Data);
        Assert.Equal(averaged, average.Averages[0]);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1f)]
    [InlineData(float.NaN)]
    public void ADecayOutsideZeroToOneIsRefused(float decay) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(decay, [1f]));
}
