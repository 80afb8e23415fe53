using ImageCaptioning.Decoding;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;

namespace ImageCaptioning.Tests.Model;

/// <summary>
/// The compact inference snapshots against the float32 decoder: float16 (<see cref="DecoderWeightPrecision.Float16"/>)
/// gives the same numbers to ~1e-4 when the weights are float16 values (as in an F16 file) and close ones otherwise;
/// int8 (<see cref="DecoderWeightPrecision.Int8"/>) stays within its rounding's reach. A snapshot, not a view; float16 is
/// chosen by <see cref="DecoderModel.Load"/> only for F16 files.
/// </summary>
public sealed class CompactWeightsDecoderTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"half-decoder-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Vector-sized (every kernel's vector loop and its tails run), small enough to be quick.</summary>
    private static DecoderConfig MediumConfig() => new()
    {
        Positions = 7, EncoderDim = 40, FeatureDim = 48, AttentionDim = 24, EmbeddingDim = 20, HiddenDim = 36,
        VocabSize = 53, Dropout = 0f,
    };

    /// <summary>
    /// Per-image products of the shipped model's order (a plain grid, or the fine "14x14+7x7" one), so they take the packed
    /// GEMM with several column tiles; small steps.
    /// </summary>
    private static DecoderConfig ProjectionConfig(bool fineGrid) => new()
    {
        Positions = fineGrid ? ParentCellLayout.FineWithContext.Positions : 49,
        EncoderDim = fineGrid ? ParentCellLayout.FineWithContext.Channels : 96,
        FeatureDim = 192, AttentionDim = 128, EmbeddingDim = 16, HiddenDim = 24, VocabSize = 30, Dropout = 0f,
    };

    [Theory]
    [InlineData(false, 1)]      // a plain grid
    [InlineData(true, 1)]       // the fine "14x14+7x7" grid, parents projected once
    [InlineData(true, 3)]
    public void ASnapshotPreparesImagesWithTheWeightsPackedOnceAndGetsTheSameBits(bool fineGrid, int images)
    {
        // The snapshot reads the per-image weights packed once (PackedImageProjection); the float32 decoder packs them on
        // every call.
        var config = ProjectionConfig(fineGrid);
        var model = TestModels.RandomModel(7, config);
        var grids = TestModels.RandomGrids(images, config, 8);
        foreach (var precision in new[] { DecoderWeightPrecision.Float16, DecoderWeightPrecision.Int8 })
        {
            var live = new AttentionDecoder(model.Parameters);
            var snapshot = new AttentionDecoder(model.Parameters, precision);
            var expected = live.CreateWorkspace(1, images);
            var actual = snapshot.CreateWorkspace(1, images);
            live.PrepareImages(grids, images, expected);
            snapshot.PrepareImages(grids, images, actual);
            Assert.Equal(expected.Features, actual.Features);
            Assert.Equal(expected.FeatureAtt, actual.FeatureAtt);
            Assert.Equal(expected.InitialH, actual.InitialH);
            Assert.Equal(expected.InitialC, actual.InitialC);
        }
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public void AnInt8ImageProjectionPreparesFeaturesCloseToTheFloat32OnesAndOnlyInSnapshots(bool fineGrid, int images)
    {
        // config.json's "image_projection": "int8" makes a snapshot decoder project the grid with int8 weights and u8
        // inputs; a float32 decoder (training, --precision Float32) ignores it.
        var plain = ProjectionConfig(fineGrid);
        var config = plain with { ImageProjection = DecoderConfig.Int8ImageProjectionName };
        Assert.True(config.Int8ImageProjection);
        var weights = TestModels.RandomModel(7, plain).Parameters;
        var parameters = TestModels.RandomModel(7, config).Parameters;                      // the same random weights
        var grids = TestModels.RandomGrids(images, config, 8);
        var reference = Prepare(new AttentionDecoder(weights), grids, images);
        Assert.True(reference.Features.AsSpan().SequenceEqual(Prepare(new AttentionDecoder(parameters), grids, images).Features));
        foreach (var precision in new[] { DecoderWeightPrecision.Float16, DecoderWeightPrecision.Int8 })
        {
            var int8 = Prepare(new AttentionDecoder(parameters, precision), grids, images);
            float largest = reference.Features.Max(MathF.Abs);
            float worst = reference.Features.Zip(int8.Features, (a, b) => MathF.Abs(a - b)).Max();
            Assert.InRange(worst, 1e-6f, 0.02f * largest);                                  // changed, by the rounding only
            float largestKey = reference.FeatureAtt.Max(MathF.Abs);
            Assert.True(reference.FeatureAtt.Zip(int8.FeatureAtt, (a, b) => MathF.Abs(a - b)).Max() <= 0.02f * largestKey);
        }

        static DecoderWorkspace Prepare(AttentionDecoder decoder, float[] grids, int images)
        {
            var ws = decoder.CreateWorkspace(1, images);
            decoder.PrepareImages(grids, images, ws);
            return ws;
        }
    }

    public static TheoryData<bool, int> Cases => new() { { false, 1 }, { false, 3 }, { true, 1 }, { true, 3 } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void WithFloat16ValuedWeightsBothPrecisionsAgreeToAboutOneInTenThousand(bool medium, int rows)
    {
        var model = TestModels.RandomModel(7, medium ? MediumConfig() : TestModels.TinyConfig());
        RoundToFloat16(model.Parameters);
        Assert.True(CompactStepWeights.IsLossless(model.Parameters));
        AssertStepsAgree(model, rows, tolerance: 1e-4f);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void WithFloat32WeightsTheSnapshotStaysClose(bool medium, int rows)
    {
        var model = TestModels.RandomModel(8, medium ? MediumConfig() : TestModels.TinyConfig());
        Assert.False(CompactStepWeights.IsLossless(model.Parameters));
        AssertStepsAgree(model, rows, tolerance: 5e-3f);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheInt8SnapshotStaysWithinItsRounding(bool medium, int rows)
    {
        // Each weight moves by at most half a step (1/254 of its row's largest magnitude); through 6 LSTM steps the
        // outputs move by a few thousandths on these random models.
        var model = TestModels.RandomModel(9, medium ? MediumConfig() : TestModels.TinyConfig());
        AssertStepsAgree(model, rows, tolerance: 2e-2f, DecoderWeightPrecision.Int8);
    }

    [Fact]
    public void TheInt8SnapshotIsNotTheFloat32Path()
    {
        // A test that could pass with the int8 path silently unused: the outputs must differ a little from float32's.
        var model = TestModels.RandomModel(10, MediumConfig());
        var full = new AttentionDecoder(model.Parameters);
        var int8 = new AttentionDecoder(model.Parameters, DecoderWeightPrecision.Int8);
        Assert.Equal(DecoderWeightPrecision.Int8, int8.WeightPrecision);
        var grids = TestModels.RandomGrids(1, model.Config, 5);
        var (wsFull, wsInt8) = (full.CreateWorkspace(1, 1), int8.CreateWorkspace(1, 1));
        full.PrepareImages(grids, 1, wsFull);
        int8.PrepareImages(grids, 1, wsInt8);
        full.StartRows(wsFull, 1, 1, 1);
        int8.StartRows(wsInt8, 1, 1, 1);
        full.Step(wsFull);
        int8.Step(wsInt8);
        int v = model.Config.VocabSize;
        Assert.NotEqual(wsFull.LogProbs[..v], wsInt8.LogProbs[..v]);
    }

    [Theory]
    [InlineData(AttentionDecoder.CompactWeightsMaxRows, false)]
    [InlineData(AttentionDecoder.CompactWeightsMaxRows + 1, true)]
    [InlineData(ImageCaptioning.Numerics.GemmPlan.SkinnyMaxRows + 8, true)]   // packed products: the weights packed once
    public void StepsOfMoreThanTheCompactRowLimitReadTheFloat32Weights(int rows, bool bitForBitFloat32)
    {
        // The one place float16's precision depends on the row count: above the limit the decoder must be the float32 one exactly.
        var model = TestModels.RandomModel(11, MediumConfig());
        var full = new AttentionDecoder(model.Parameters);
        var half = new AttentionDecoder(model.Parameters, DecoderWeightPrecision.Float16);
        var grids = TestModels.RandomGrids(1, model.Config, 5);
        var (wsFull, wsHalf) = (full.CreateWorkspace(rows, 1), half.CreateWorkspace(rows, 1));
        full.PrepareImages(grids, 1, wsFull);
        half.PrepareImages(grids, 1, wsHalf);
        full.StartRows(wsFull, 1, rows, 1);
        half.StartRows(wsHalf, 1, rows, 1);
        full.Step(wsFull);
        half.Step(wsHalf);
        int n = rows * model.Config.VocabSize;
        Assert.Equal(bitForBitFloat32, wsFull.LogProbs.AsSpan(0, n).SequenceEqual(wsHalf.LogProbs.AsSpan(0, n)));
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(AttentionDecoder.CompactWeightsMaxRows + 1, 1)]
    [InlineData(70, 1)]      // more than one chunk of quantised rows
    [InlineData(150, 2)]     // products split between threads
    public void TheInt8DecoderGivesEachRowTheSameBitsInAStepOfAnySize(int rows, int threads)
    {
        // Int8 at every row count: a row's outputs depend on that row alone, so a caption is the same alone or in a batch.
        var model = TestModels.RandomModel(12, MediumConfig());
        var int8 = new AttentionDecoder(model.Parameters, DecoderWeightPrecision.Int8);
        var config = model.Config;
        var grids = TestModels.RandomGrids(1, config, 5);
        static int Token(int row, int step, int vocab) => 4 + (row * 7 + step * 3) % (vocab - 4);

        foreach (int row in new[] { 0, rows / 2, rows - 1 })
        {
            var wsOne = int8.CreateWorkspace(1, 1);
            int8.PrepareImages(grids, 1, wsOne);
            int8.StartRows(wsOne, 1, 1, 1);
            for (int step = 0; step < 3; step++)
            {
                int8.Step(wsOne);
                wsOne.Tokens[0] = Token(row, step, config.VocabSize);
            }
            var wsCheck = int8.CreateWorkspace(rows, 1);
            wsCheck.MaxThreads = threads;
            int8.PrepareImages(grids, 1, wsCheck);
            int8.StartRows(wsCheck, 1, rows, 1);
            for (int step = 0; step < 3; step++)
            {
                int8.Step(wsCheck);
                for (int r = 0; r < rows; r++) wsCheck.Tokens[r] = Token(r, step, config.VocabSize);
            }
            int v = config.VocabSize, h = config.HiddenDim;
            Assert.True(wsOne.LogProbs.AsSpan(0, v).SequenceEqual(wsCheck.LogProbs.AsSpan(row * v, v)), $"log-probs of row {row} of {rows}");
            Assert.True(wsOne.H.AsSpan(0, h).SequenceEqual(wsCheck.H.AsSpan(row * h, h)), $"h of row {row} of {rows}");
        }
    }

    /// <summary>Runs 6 steps of both decoders from the same grids and tokens and compares every output.</summary>
    private static void AssertStepsAgree(DecoderModel model, int rows, float tolerance,
        DecoderWeightPrecision precision = DecoderWeightPrecision.Float16)
    {
        var full = new AttentionDecoder(model.Parameters);
        var half = new AttentionDecoder(model.Parameters, precision);
        Assert.Equal(DecoderWeightPrecision.Float32, full.WeightPrecision);
        Assert.Equal(precision, half.WeightPrecision);
        var config = model.Config;
        const int Images = 2;
        var grids = TestModels.RandomGrids(Images, config, 5);
        var wsFull = full.CreateWorkspace(rows * Images, Images);
        var wsHalf = half.CreateWorkspace(rows * Images, Images);
        full.PrepareImages(grids, Images, wsFull);
        half.PrepareImages(grids, Images, wsHalf);
        full.StartRows(wsFull, Images, rows, 1);
        half.StartRows(wsHalf, Images, rows, 1);
        for (int step = 0; step < 6; step++)
        {
            full.Step(wsFull);
            half.Step(wsHalf);
            int r = rows * Images;
            AssertClose(wsFull.LogProbs.AsSpan(0, r * config.VocabSize), wsHalf.LogProbs.AsSpan(0, r * config.VocabSize), tolerance, $"log-probs, step {step}");
            AssertClose(wsFull.Alpha.AsSpan(0, r * config.Positions), wsHalf.Alpha.AsSpan(0, r * config.Positions), tolerance, $"attention, step {step}");
            AssertClose(wsFull.H.AsSpan(0, r * config.HiddenDim), wsHalf.H.AsSpan(0, r * config.HiddenDim), tolerance, $"h, step {step}");
            AssertClose(wsFull.C.AsSpan(0, r * config.HiddenDim), wsHalf.C.AsSpan(0, r * config.HiddenDim), tolerance, $"c, step {step}");
            for (int row = 0; row < r; row++)
            {
                int token = 4 + (row * 7 + step * 3) % (config.VocabSize - 4);
                wsFull.Tokens[row] = wsHalf.Tokens[row] = token;
            }
        }
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"{what}[{i}]: float16 {actual[i]} vs float32 {expected[i]}");
    }

    private static void RoundToFloat16(DecoderParameters parameters)
    {
        foreach (var (_, data, _) in parameters.Tensors)
            for (int i = 0; i < data.Length; i++) data[i] = (float)(Half)data[i];
    }

    [Fact]
    public void TheFloat16DecoderIsASnapshotAndTheFloat32DecoderAView()
    {
        var model = TestModels.RandomModel(9, MediumConfig());
        var full = new AttentionDecoder(model.Parameters);
        var half = new AttentionDecoder(model.Parameters, DecoderWeightPrecision.Float16);
        var before = LogProbsAfterOneStep(half, model.Config);
        var fullBefore = LogProbsAfterOneStep(full, model.Config);
        for (int i = 0; i < model.Parameters.OutputWeight.Length; i++) model.Parameters.OutputWeight[i] *= 2f; // a "training update"
        Assert.Equal(before, LogProbsAfterOneStep(half, model.Config));
        Assert.NotEqual(fullBefore, LogProbsAfterOneStep(full, model.Config));
    }

    private static float[] LogProbsAfterOneStep(AttentionDecoder decoder, DecoderConfig config)
    {
        var ws = decoder.CreateWorkspace(1, 1);
        decoder.PrepareImages(TestModels.RandomGrids(1, config, 2), 1, ws);
        decoder.StartRows(ws, 1, 1, 1);
        decoder.Step(ws);
        return ws.LogProbs.AsSpan(0, config.VocabSize).ToArray();
    }

    [Fact]
    public void LoadUsesFloat16ForAnF16FileAndFloat32Otherwise()
    {
        var model = TestModels.RandomModel(10, MediumConfig());
        Assert.Equal(DecoderWeightPrecision.Float32, model.WeightPrecision); // built in memory: its arrays may change

        model.Save(_folder, SafeTensorsFile.StorageType.F32);
        Assert.Equal(DecoderWeightPrecision.Float32, DecoderModel.Load(_folder).WeightPrecision);

        model.Save(_folder, SafeTensorsFile.StorageType.F16);
        var loaded = DecoderModel.Load(_folder);
        Assert.Equal(DecoderWeightPrecision.Float16, loaded.WeightPrecision);
        Assert.Equal(DecoderWeightPrecision.Float16, loaded.CreateDecoder().WeightPrecision);
        Assert.Same(loaded.CreateDecoder(), loaded.CreateDecoder()); // one snapshot per model

        var forced = loaded.WithWeightPrecision(DecoderWeightPrecision.Float32);
        Assert.Equal(DecoderWeightPrecision.Float32, forced.CreateDecoder().WeightPrecision);
        Assert.Same(loaded.Parameters, forced.Parameters);

        // The F16 file's values are float16 values: both precisions give the same captions.
        var grids = TestModels.RandomGrids(4, model.Config, 3);
        foreach (var options in new[] { new DecodingOptions { Method = DecodingMethod.Greedy }, new DecodingOptions { BeamWidth = 3 } })
            Assert.Equal(forced.CreateGenerator().Generate(grids, 4, options).Select(r => r[0].Text),
                         loaded.CreateGenerator().Generate(grids, 4, options).Select(r => r[0].Text));
    }
}
