using ImageCaptioning.Decoding;

using ImageCaptioning.Tests.Model;

namespace ImageCaptioning.Tests.Decoding;

/// <summary>Sampling: deterministic for a seed, top-1 is greedy, temperature and top-k do what they say.</summary>
public sealed class SamplingTests
{
    private const int Images = 5;

    [Fact]
    public void SameSeedGivesSameSamples()
    {
        var model = TestModels.RandomModel(2);
        var grids = TestModels.RandomGrids(Images, model.Config, 2);
        var options = new DecodingOptions { Method = DecodingMethod.Sample, NBest = 4, Seed = 42, Temperature = 1.5f };
        var first = model.CreateGenerator().Generate(grids, Images, options);
        var second = model.CreateGenerator().Generate(grids, Images, options);
        Assert.Equal(Texts(first), Texts(second));
        Assert.All(first, samples => Assert.Equal(4, samples.Count));
    }

    [Fact]
    public void DifferentSeedsGiveDifferentSamples()
    {
        var model = TestModels.RandomModel(2); // near-uniform over 9 words: two seeds agreeing on 20 captions is impossible in practice
        var grids = TestModels.RandomGrids(Images, model.Config, 2);
        var a = model.CreateGenerator().Generate(grids, Images, new DecodingOptions { Method = DecodingMethod.Sample, NBest = 4, Seed = 1 });
        var b = model.CreateGenerator().Generate(grids, Images, new DecodingOptions { Method = DecodingMethod.Sample, NBest = 4, Seed = 2 });
        Assert.NotEqual(Texts(a), Texts(b));
    }

    [Fact]
    public void TopOneSamplingIsGreedy()
    {
        var model = TestModels.Sharpened(TestModels.RandomModel(6), 3f);
        var grids = TestModels.RandomGrids(Images, model.Config, 6);
        var generator = model.CreateGenerator();
        var greedy = generator.Generate(grids, Images, new DecodingOptions { Method = DecodingMethod.Greedy });
        var topOne = generator.Generate(grids, Images, new DecodingOptions { Method = DecodingMethod.Sample, TopK = 1, NBest = 2, Temperature = 3f, Seed = 9 });
        for (int i = 0; i < Images; i++)
            Assert.All(topOne[i], sample => Assert.Equal(greedy[i][0].TokenIds, sample.TokenIds));
    }

    [Fact]
    public void TopKOnlyDrawsFromTheKMostLikelyWords()
    {
        // First step: logits 5 for w4, 4 for w5, 3 for w6 and 0 for the rest. Top-2 may only start with w4 or w5.
        var model = TestModels.Forced(new Dictionary<int, int>(), outputBias: new Dictionary<int, float> { [4] = 5f, [5] = 4f, [6] = 3f });
        var grid = TestModels.RandomGrids(1, model.Config, 1);
        var samples = model.CreateGenerator().Generate(grid,
            new DecodingOptions { Method = DecodingMethod.Sample, TopK = 2, NBest = 40, Temperature = 5f, MaxLength = 1, Seed = 4 });
        var firstWords = samples.Select(s => s.TokenIds[0]).ToHashSet();
        Assert.Subset(new HashSet<int> { 4, 5 }, firstWords);
        Assert.Equal(2, firstWords.Count); // at T = 5 both come up in 40 draws
    }

    [Fact]
    public void LowTemperatureConcentratesOnTheMostLikelyWord()
    {
        var model = TestModels.Forced(new Dictionary<int, int>(), outputBias: new Dictionary<int, float> { [4] = 2f, [5] = 1.5f });
        var grid = TestModels.RandomGrids(1, model.Config, 1);
        var cold = model.CreateGenerator().Generate(grid,
            new DecodingOptions { Method = DecodingMethod.Sample, NBest = 30, Temperature = 0.05f, MaxLength = 1, Seed = 8 });
        var hot = model.CreateGenerator().Generate(grid,
            new DecodingOptions { Method = DecodingMethod.Sample, NBest = 30, Temperature = 3f, MaxLength = 1, Seed = 8 });
        Assert.All(cold, s => Assert.Equal(4, s.TokenIds[0]));           // e^(0.5/0.05) = e^10 : 1
        Assert.True(hot.Select(s => s.TokenIds.Count > 0 ? s.TokenIds[0] : -1).Distinct().Count() > 2);
    }

    private static string[] Texts(IReadOnlyList<IReadOnlyList<GeneratedCaption>> results) =>
        [.. results.SelectMany(r => r).Select(c => c.Text)];
}
