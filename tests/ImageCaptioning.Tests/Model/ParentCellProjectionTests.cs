using ImageCaptioning.Model;
using ImageCaptioning.Tests.Training;

namespace ImageCaptioning.Tests.Model;

/// <summary>
/// A grid whose cells end with their parent cell's channels (the encoder's 14×14+7×7) is projected with each parent's part
/// once (<see cref="DecoderKernels.ParentCellLinear"/>): the same numbers as the plain projection of the full [own; parent] rows.
/// </summary>
public sealed class ParentCellProjectionTests
{
    [Fact]
    public void OnlyThe14x14Plus7x7SizeTakesTheParentCellPath()
    {
        Assert.Same(ParentCellLayout.FineWithContext, new DecoderConfig { Positions = 196, EncoderDim = 1856 }.ParentCells);
        Assert.Null(new DecoderConfig { Positions = 49, EncoderDim = 1280 }.ParentCells);   // the shipped 7×7 decoders
        Assert.Null(new DecoderConfig { Positions = 196, EncoderDim = 576 }.ParentCells);   // 14×14 alone
    }

    [Fact]
    public void CellsMapToTheParentThatCoversThem()
    {
        var layout = ParentCellLayout.FineWithContext;
        Assert.Equal((196, 1856, 49), (layout.Positions, layout.Channels, layout.ParentPositions));
        Assert.Equal(0, layout.ParentOf(0));
        Assert.Equal(0, layout.ParentOf(15));            // (1, 1)
        Assert.Equal(1 * 7 + 2, layout.ParentOf(3 * 14 + 5));
        Assert.Equal(48, layout.ParentOf(195));
        for (int q = 0; q < layout.ParentPositions; q++)
        {
            int first = layout.FirstChildOf(q);
            Assert.All(new[] { first, first + 1, first + 14, first + 15 }, p => Assert.Equal(q, layout.ParentOf(p)));
        }
        Assert.Equal(4 * layout.ParentPositions, Enumerable.Range(0, 196).Count(p => layout.ParentOf(p) < layout.ParentPositions));
    }

    [Theory]
    [InlineData(1, 16)]
    [InlineData(3, 37)]
    public void TheParentCellProjectionEqualsTheFullProjection(int images, int outDim)
    {
        var layout = ParentCellLayout.FineWithContext;
        var grids = TinyDecoders.ParentCellGrids(images, layout, seed: images);
        var random = new Random(outDim);
        var weight = new float[outDim * layout.Channels];
        for (int i = 0; i < weight.Length; i++) weight[i] = (random.NextSingle() * 2 - 1) * 0.05f;
        var bias = new float[outDim];
        for (int i = 0; i < bias.Length; i++) bias[i] = random.NextSingle() * 2 - 1;

        var full = new float[images * layout.Positions * outDim];
        DecoderKernels.Linear(grids, images * layout.Positions, layout.Channels, weight, bias, outDim, full);
        var split = new float[full.Length];
        DecoderKernels.ParentCellLinear(grids, images, layout, weight, bias, outDim, split,
            new float[images * layout.ParentPositions * layout.ParentChannels], new float[images * layout.ParentPositions * outDim]);
        AssertClose(full, split, 1e-5);
    }

    [Fact]
    public void TheDecoderProjectsAParentCellGridAsThePlainProjectionWould()
    {
        var config = TinyDecoders.ParentCellConfig();
        var parameters = DecoderParameters.CreateRandom(config, seed: 11);
        var decoder = new AttentionDecoder(parameters);
        const int images = 2;
        var grids = TinyDecoders.ParentCellGrids(images, config.ParentCells!, seed: 12);
        var ws = decoder.CreateWorkspace(maxRows: 3 * images, maxImages: images);
        decoder.PrepareImages(grids, images, ws);

        int rows = images * config.Positions, D = config.FeatureDim;
        var expected = new float[rows * D];                                   // ReLU(W_p [f; g] + b_p) [N·P, D]
        DecoderKernels.Linear(grids, rows, config.EncoderDim, parameters.FeatureProjWeight, parameters.FeatureProjBias, D, expected);
        for (int i = 0; i < expected.Length; i++) expected[i] = Math.Max(expected[i], 0f);
        AssertClose(expected, ws.Features.AsSpan(0, rows * D).ToArray(), 1e-5);
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"[{i}] = {actual[i]}, expected {expected[i]}");
    }
}
