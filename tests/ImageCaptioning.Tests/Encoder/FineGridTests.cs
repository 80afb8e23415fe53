using ImageCaptioning.Captioning;
using ImageCaptioning.Decoding;
using ImageCaptioning.Encoder;
using ImageCaptioning.Tests.Infrastructure;
using ImageCaptioning.Tests.Model;

namespace ImageCaptioning.Tests.Encoder;

/// <summary>The stride-16 stage's 14×14×576 map (<see cref="FeatureGrid.Fine"/>) and a decoder that attends over it.</summary>
public sealed class FineGridTests(EncoderFixture fixture) : IClassFixture<EncoderFixture>
{
    [Fact]
    public void GridsAreFoundBySizeAndByName()
    {
        Assert.Same(FeatureGrid.Final, FeatureGrid.Find(49, 1280));
        Assert.Same(FeatureGrid.Fine, FeatureGrid.Find(196, 576));
        Assert.Null(FeatureGrid.Find(196, 1280));
        Assert.Same(FeatureGrid.Fine, FeatureGrid.Named("14X14"));
        Assert.Same(FeatureGrid.FineWithContext, FeatureGrid.Find(196, 1856));
        Assert.True(FeatureGrid.FineWithContext.NeedsFineMap);
        Assert.False(FeatureGrid.Final.NeedsFineMap);
        Assert.Null(FeatureGrid.Named("28x28"));
        Assert.Equal(196 * 576, FeatureGrid.Fine.Floats);
    }

    [Fact]
    public void PositionMajorLayoutOfAnyGridTransposesChannelsAndCells()
    {
        float[] channelMajor = [1, 2, 3, 4, 5, 6];   // 2 channels × 3 cells
        var grid = new float[6];
        FeatureLayout.ToPositionMajor(channelMajor, grid, positions: 3, channels: 2);
        Assert.Equal([1, 4, 2, 5, 3, 6], grid);
    }

    [Fact]
    public void TheStridedTransposeWritesEveryCellAndLeavesTheRestOfEachRow()
    {
        // 37 cells × 21 channels into rows of 25 (odd sizes both ways); columns 21–24 are not ours.
        const int Positions = 37, Channels = 21, Stride = 25;
        var random = new Random(3);
        var channelMajor = new float[Positions * Channels];
        for (int i = 0; i < channelMajor.Length; i++) channelMajor[i] = (float)random.NextDouble();
        var grid = Enumerable.Repeat(-7f, (Positions - 1) * Stride + Channels).ToArray();
        FeatureLayout.ToPositionMajor(channelMajor, grid, Positions, Channels, Stride);
        for (int p = 0; p < Positions; p++)
            for (int c = 0; c < Stride && p * Stride + c < grid.Length; c++)
                Assert.Equal(c < Channels ? channelMajor[c * Positions + p] : -7f, grid[p * Stride + c]);
    }

    [Fact]
    public void EachFineCellIsFollowedByThe7x7CellThatCoversIt()
    {
        var fine = new float[FeatureGrid.Fine.Floats];     // cell p holds p in all 576 channels
        var final = new float[FeatureGrid.Final.Floats];   // cell q holds 1000 + q in all 1280 channels
        for (int i = 0; i < fine.Length; i++) fine[i] = i / 576;
        for (int i = 0; i < final.Length; i++) final[i] = 1000 + i / 1280;

        var both = new float[FeatureGrid.FineWithContext.Floats];
        EncoderOutput.WriteWithParentCells(fine, final, both);

        Assert.Equal(196 * 1856, both.Length);
        foreach (var (row, col, parent) in new[] { (0, 0, 0), (0, 1, 0), (1, 1, 0), (3, 5, 1 * 7 + 2), (13, 13, 48), (13, 0, 42) })
        {
            var cell = both.AsSpan((row * 14 + col) * 1856, 1856);
            Assert.All(cell[..576].ToArray(), v => Assert.Equal(row * 14 + col, v));
            Assert.All(cell[576..].ToArray(), v => Assert.Equal(1000 + parent, v));
        }

        // The decoder recognises this grid by its size and projects each parent once: its layout must say the same.
        var layout = ImageCaptioning.Model.ParentCellLayout.FineWithContext;
        Assert.Equal((FeatureGrid.FineWithContext.Positions, FeatureGrid.FineWithContext.Channels), (layout.Positions, layout.Channels));
        Assert.Equal((FeatureGrid.Fine.Channels, FeatureGrid.Final.Channels, FeatureGrid.Final.Positions),
            (layout.OwnChannels, layout.ParentChannels, layout.ParentPositions));
        for (int p = 0; p < 196; p++)
            Assert.Equal(1000 + layout.ParentOf(p), both[p * 1856 + 576]);
        for (int q = 0; q < 49; q++)
            Assert.Equal(1000 + q, both[layout.FirstChildOf(q) * 1856 + 576]);
    }

    [Fact]
    public async Task TheFineGridComesWithTheSameFinalGridAndLogitsAndOnlyWhenAskedFor()
    {
        string dogs = EncoderFixture.Flickr8kImage(EncoderFixture.DogsImage);
        var plain = fixture.Encoder.Encode(dogs);
        using var fineEncoder = await ImageEncoder.CreateAsync(TestData.Paths with { ModelCacheDirectory = fixture.CacheDirectory },
            new EncoderOptions { IntraOpThreads = 1, FineGrid = true }, TestContext.Current.CancellationToken);
        var both = fineEncoder.Encode(dogs);

        Assert.Null(plain.FineGrid);
        Assert.Throws<InvalidOperationException>(() => plain.GridOf(FeatureGrid.Fine));
        Assert.Same(plain.Grid, plain.GridOf(FeatureGrid.Final));
        Assert.Equal(plain.Grid, both.Grid);       // the same run, one more output: identical bits
        Assert.Equal(plain.Logits, both.Logits);

        float[] fine = both.GridOf(FeatureGrid.Fine);
        Assert.Equal(196 * 576, fine.Length);
        // Dequantised ReLU6 output: within 0..6 (one quantisation step of slack), and a real signal with zeros.
        Assert.All(fine, v => Assert.InRange(v, 0f, 6.1f));
        Assert.True(fine.Count(v => v == 0f) > fine.Length / 10, "a ReLU map has many zeros");
        Assert.True(fine.Max() > 1f, "the map carries a signal");
        // Different cells see different parts of the photo.
        Assert.NotEqual(fine.AsSpan(0, 576).ToArray(), fine.AsSpan(195 * 576, 576).ToArray());
    }

    [Fact]
    public async Task TheCaptionPathWritesEachGridStraightFromTheEncoderRunAsTheOutputWouldLayItOut()
    {
        using var fineEncoder = await ImageEncoder.CreateAsync(TestData.Paths with { ModelCacheDirectory = fixture.CacheDirectory },
            new EncoderOptions { IntraOpThreads = 1, FineGrid = true }, TestContext.Current.CancellationToken);
        var images = fineEncoder.ReadImages([.. new[] { EncoderFixture.DogsImage, "1000268201_693b08cb0e" }.Select(EncoderFixture.Flickr8kImage)]);
        var outputs = fineEncoder.EncodeBatch(images);
        foreach (var grid in FeatureGrid.All)
        {
            var grids = new float[images.Length * grid.Floats + 7];   // a pooled buffer is longer than asked for
            var written = fineEncoder.EncodeInto(images, grid, grids);
            for (int i = 0; i < images.Length; i++)
            {
                var expected = new float[grid.Floats];
                outputs[i].WriteGrid(grid, expected);
                Assert.Equal(expected, grids.AsSpan(i * grid.Floats, grid.Floats).ToArray());
                Assert.Equal(outputs[i].Grid, written[i].Grid);
                Assert.Equal(outputs[i].Logits, written[i].Logits);
                Assert.Null(written[i].FineGrid);                        // not kept: it went into the decoder's grid
            }
        }
        Assert.Throws<InvalidOperationException>(() => fixture.Encoder.EncodeInto(images, FeatureGrid.FineWithContext, new float[2 * FeatureGrid.FineWithContext.Floats]));
    }

    [Theory]
    [InlineData(576)]    // 14×14
    [InlineData(1856)]   // 14×14+7×7
    public async Task ADecoderThatReadsTheFineGridCaptionsWithOneAttentionWeightPerCell(int encoderDim)
    {
        string folder = Path.Combine(fixture.CacheDirectory, $"fine-model-{Guid.NewGuid():N}");
        var model = TestModels.Sharpened(TestModels.RandomModel(21, TestModels.TinyConfig(positions: 196, encoderDim: encoderDim)), 3f);
        model.Save(folder);
        using var captioner = await Captioner.CreateAsync(TestData.Paths with { ModelCacheDirectory = fixture.CacheDirectory }, folder,
            ct: TestContext.Current.CancellationToken);

        Assert.Same(FeatureGrid.Find(196, encoderDim), captioner.Grid);
        Assert.True(captioner.Encoder.ComputesFineGrid);
        string[] images = [.. new[] { EncoderFixture.DogsImage, "1000268201_693b08cb0e" }.Select(EncoderFixture.Flickr8kImage)];
        var options = new DecodingOptions { BeamWidth = 3 };
        var one = captioner.Caption(images[0], options);
        var batch = captioner.CaptionBatch(captioner.Encoder.ReadImages(images), options);
        var encoded = captioner.Caption(captioner.Encoder.Encode(images[0]), options);

        Assert.NotEmpty(one.Best.Words);
        Assert.All(one.Best.Attention, alpha => Assert.Equal(196, alpha.Length));
        Assert.Equal(one.Best.TokenIds, batch[0].Best.TokenIds);   // one path and the batched path read the same grid
        Assert.Equal(one.Best.TokenIds, encoded.Best.TokenIds);    // and so does an image the encoder has already seen
        Assert.Equal(one.Best.Score, encoded.Best.Score);

        // Handing it an encoder without the fine grid is refused up front, not at the first caption.
        using var plain = await ImageEncoder.CreateAsync(TestData.Paths with { ModelCacheDirectory = fixture.CacheDirectory },
            new EncoderOptions { IntraOpThreads = 1 }, TestContext.Current.CancellationToken);
        var ex = Assert.Throws<ArgumentException>(() => Captioner.Create(plain, model));
        Assert.Contains("14×14", ex.Message);
    }
}
