using ImageCaptioning.Decoding;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;

namespace ImageCaptioning.Tests.Model;

/// <summary>Ensembles: the averaged distribution, the searches on top of it, and the model folder holding several decoders.</summary>
public sealed class DecoderEnsembleTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"decoder-ensemble-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private static (float[] LogProbs, float[] Alpha) FirstStep(IStepDecoder decoder, float[] grid, int maxThreads = int.MaxValue)
    {
        var ws = decoder.CreateWorkspace(maxRows: 2, maxImages: 1);
        ws.MaxThreads = maxThreads;
        decoder.PrepareImages(grid, 1, ws);
        decoder.StartRows(ws, images: 1, rowsPerImage: 2, startToken: 1);
        ws.ReorderRows([0, 1], [1, 5]);   // row 1 is fed another word: rows differ
        decoder.Step(ws);
        int v = decoder.Config.VocabSize, p = decoder.Config.Positions;
        return (ws.LogProbs[..(2 * v)], ws.Alpha[..(2 * p)]);
    }

    [Fact]
    public void TheEnsembleDistributionIsTheMeanOfTheMembersProbabilities()
    {
        var a = TestModels.RandomModel(1);
        var b = TestModels.RandomModel(2);
        var grid = TestModels.RandomGrids(1, a.Config, 3);
        var (logA, alphaA) = FirstStep(a.CreateDecoder(), grid);
        var (logB, alphaB) = FirstStep(b.CreateDecoder(), grid);
        var (logE, alphaE) = FirstStep(new DecoderEnsemble([a.CreateDecoder(), b.CreateDecoder()]), grid);

        for (int j = 0; j < logE.Length; j++)
            Assert.Equal(Math.Log((Math.Exp(logA[j]) + Math.Exp(logB[j])) / 2), logE[j], 5);
        for (int i = 0; i < alphaE.Length; i++)
            Assert.Equal((alphaA[i] + alphaB[i]) / 2, alphaE[i], 6);
        int v = a.Config.VocabSize;
        Assert.Equal(1.0, logE[..v].Sum(l => Math.Exp(l)), 5);               // still a distribution
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void MembersSideBySideGiveExactlyWhatTheyGiveOneAfterAnother(int members)
    {
        // MaxThreads > 1: member 0 prepares and steps on this thread, members 1..K−1 on the ensemble's worker thread, each
        // single-threaded; MaxThreads = 1 (a busy server): all here in turn. The arithmetic must be the same.
        var ensemble = new DecoderEnsemble([.. Enumerable.Range(11, members).Select(seed => TestModels.RandomModel(seed).CreateDecoder())]);
        var grid = TestModels.RandomGrids(1, ensemble.Config, 13);
        for (int repeat = 0; repeat < 20; repeat++)                     // many hand-overs between the two threads
        {
            var (logParallel, alphaParallel) = FirstStep(ensemble, grid, maxThreads: 2);
            var (logSequential, alphaSequential) = FirstStep(ensemble, grid, maxThreads: 1);
            Assert.Equal(logSequential, logParallel);
            Assert.Equal(alphaSequential, alphaParallel);
        }
    }

    [Theory]
    [InlineData(1, 12)]        // more rows than the compact weights take; halves of 6 would take them
    [InlineData(2, 20)]        // 40 rows: halves of 20 would take the skinny product instead of the packed one
    [InlineData(1, 50)]
    public void AnOddMemberComputedTogetherOnItsFloat32ProductsGivesExactlyItsWholeBits(int images, int rowsPerImage)
    {
        // Sizes above a column granule (64) in every product but the deep output, so both threads get outputs of each.
        var config = new DecoderConfig
        {
            Positions = 49, EncoderDim = 96, FeatureDim = 192, AttentionDim = 128, EmbeddingDim = 64, HiddenDim = 64,
            VocabSize = 300, Dropout = 0f,
        };
        var ensemble = new DecoderEnsemble([.. Enumerable.Range(31, 3).Select(seed =>
            new AttentionDecoder(TestModels.RandomModel(seed, config).Parameters, DecoderWeightPrecision.Float16))]);
        Assert.True(ensemble.Members[2].CanStepInParts(images * rowsPerImage));
        var grids = TestModels.RandomGrids(images, config, 19);
        var sequential = TwoSteps(ensemble, grids, images, rowsPerImage, maxThreads: 1);
        for (int repeat = 0; repeat < 3; repeat++)
        {
            var together = TwoSteps(ensemble, grids, images, rowsPerImage, maxThreads: 2);
            for (int i = 0; i < sequential.Length; i++) Assert.Equal(sequential[i], together[i]);
        }
    }

    /// <summary>Preparing the images (an odd member's split or shared), rows fed different words, two steps: every output and state.</summary>
    private static float[][] TwoSteps(IStepDecoder decoder, float[] grids, int images, int rowsPerImage, int maxThreads)
    {
        int rows = images * rowsPerImage;
        var ws = decoder.CreateWorkspace(maxRows: rows, maxImages: images);
        ws.MaxThreads = maxThreads;
        decoder.PrepareImages(grids, images, ws);
        int p0 = decoder.Config.Positions, d = decoder.Config.FeatureDim, a = decoder.Config.AttentionDim;
        var outputs = new List<float[]> { ws.Features[..(images * p0 * d)], ws.FeatureAtt[..(images * p0 * a)] };
        decoder.StartRows(ws, images, rowsPerImage, startToken: 1);
        int[] parents = [.. Enumerable.Range(0, rows)];
        for (int step = 0; step < 2; step++)
        {
            ws.ReorderRows(parents, [.. parents.Select(r => 4 + (r + step) % 8)]);
            decoder.Step(ws);
            int v = decoder.Config.VocabSize, p = decoder.Config.Positions, h = decoder.Config.HiddenDim;
            outputs.AddRange([ws.LogProbs[..(rows * v)], ws.Alpha[..(rows * p)], ws.H[..(rows * h)], ws.C[..(rows * h)]]);
        }
        return [.. outputs];
    }

    [Theory]
    [InlineData(3, 1, 3)]      // a lone caption's beams: float16 members compute the odd one together, float32 ones leave it whole on the worker
    [InlineData(3, 1, 1)]      // its first step: one row, so one part of the row-wise work is empty
    [InlineData(3, 2, 4)]      // 8 rows: still the compact weights' rows; two images: preparation cut by images
    [InlineData(3, 2, 10)]     // 20 rows: the odd member's two halves of 10 rows, on the two threads
    [InlineData(3, 2, 20)]     // 40 rows: halves of 20 would take the skinny product instead of the packed one: float16 members compute it together
    [InlineData(3, 2, 6)]      // 12 rows: halves of 6 would read the compact weights: together, on the float32 products
    [InlineData(3, 1, 50)]     // 50 rows of one image: together
    [InlineData(3, 2, 48)]     // 96 rows (a batch of 32 at beam 3): cut
    [InlineData(5, 1, 2)]
    [InlineData(5, 2, 35)]
    public void AnOddMemberCutInTwoGivesExactlyWhatItGivesWhole(int members, int images, int rowsPerImage)
    {
        // MaxThreads > 1: half the members on each thread, the odd one's images and rows cut between them, or its products'
        // outputs shared, when that is exact; MaxThreads = 1: every member whole, in turn. The grid has the fine
        // "14x14+7x7" layout whose parents are projected once.
        var config = TestModels.TinyConfig(positions: ParentCellLayout.FineWithContext.Positions, encoderDim: ParentCellLayout.FineWithContext.Channels);
        foreach (var (precision, projection) in new (DecoderWeightPrecision, string?)[]
            { (DecoderWeightPrecision.Float32, null), (DecoderWeightPrecision.Float16, null), (DecoderWeightPrecision.Float16, DecoderConfig.Int8ImageProjectionName),
              (DecoderWeightPrecision.Int8, DecoderConfig.Int8ImageProjectionName) })
        {
            var ensemble = new DecoderEnsemble([.. Enumerable.Range(21, members).Select(seed =>
                new AttentionDecoder(TestModels.RandomModel(seed, config with { ImageProjection = projection }).Parameters, precision))]);
            var grids = TestModels.RandomGrids(images, config, 17);
            var sequential = TwoSteps(ensemble, grids, images, rowsPerImage, maxThreads: 1);
            for (int repeat = 0; repeat < 5; repeat++)
            {
                var parallel = TwoSteps(ensemble, grids, images, rowsPerImage, maxThreads: 2);
                for (int i = 0; i < sequential.Length; i++) Assert.Equal(sequential[i], parallel[i]);
            }
        }
    }

    [Theory]
    [InlineData(2, 96, true, 0, 1, -1, 1, 2, -1, false)]          // even: one member each
    [InlineData(4, 96, true, 0, 2, -1, 2, 4, -1, false)]
    [InlineData(3, 96, true, 0, 1, 2, 1, 2, 2, false)]            // odd: member 2's rows 0..47 here, 48..95 there
    [InlineData(3, 40, true, 0, 1, -1, 1, 2, -1, true)]           // 20-row halves would change the product path: member 2 computed together
    [InlineData(3, 6, true, 0, 1, -1, 1, 2, -1, true)]            // compact weights' rows: together
    [InlineData(3, 6, false, 0, 1, -1, 1, 3, -1, false)]          // a member that cannot be shared: whole on the worker
    [InlineData(5, 21, true, 0, 2, 4, 2, 4, 4, false)]
    public void TheCallerAndTheWorkerGetHalfTheMembersEachAndShareAnOddOneWhenExact(int members, int rows, bool canRunTogether,
        int callerFirst, int callerEnd, int callerPart, int workerFirst, int workerEnd, int workerPart, bool together)
    {
        var config = TestModels.TinyConfig();
        var ws = new DecoderWorkspace(config, rows, 1) { Rows = rows };
        var (caller, worker, oddTogether) = MemberShare.Halves(members, MemberJob.Step, ws, canRunTogether);
        Assert.Equal((callerFirst, callerEnd, callerPart), (caller.First, caller.End, caller.PartMember));
        Assert.Equal((workerFirst, workerEnd, workerPart), (worker.First, worker.End, worker.PartMember));
        Assert.Equal(together, oddTogether);
        if (callerPart >= 0)
        {
            Assert.Equal((0, rows / 2), (caller.PartFirst, caller.PartCount));
            Assert.Equal((rows / 2, rows - rows / 2), (worker.PartFirst, worker.PartCount));
        }
    }

    [Theory]
    [InlineData(2541, 0, 1280)]     // the vocabulary: cut at a multiple of 64
    [InlineData(768, 0, 384)]
    [InlineData(100, 0, 64)]
    [InlineData(40, 0, 0)]          // fewer outputs than two granules: all to part 1
    public void APartsColumnsEndWhereTheProductsTilesEnd(int outputs, int start, int end)
    {
        Assert.Equal((start, end), new StepPart(0, 2, null).Columns(outputs));
        Assert.Equal((end, outputs), new StepPart(1, 2, null).Columns(outputs));
        Assert.Equal((0, outputs), StepPart.Whole.Columns(outputs));
    }

    [Theory]
    [InlineData(8, false)]      // compact weights
    [InlineData(17, false)]     // a half of 8 rows would read the compact weights
    [InlineData(18, true)]
    [InlineData(32, true)]
    [InlineData(33, false)]     // packed whole, skinny halves
    [InlineData(65, false)]
    [InlineData(66, true)]
    public void AStepSplitsExactlyWhenItsHalvesTakeTheWholeStepsProducts(int rows, bool exact) =>
        Assert.Equal(exact, AttentionDecoder.SplitsExactly(rows));

    [Fact]
    public void TheDistributionOfFiveMembersIsTheMeanOfTheirProbabilities()
    {
        var models = Enumerable.Range(21, 5).Select(seed => TestModels.RandomModel(seed)).ToArray();
        var grid = TestModels.RandomGrids(1, models[0].Config, 3);
        var single = models.Select(m => FirstStep(m.CreateDecoder(), grid)).ToArray();
        var (logE, alphaE) = FirstStep(new DecoderEnsemble([.. models.Select(m => m.CreateDecoder())]), grid);
        for (int j = 0; j < logE.Length; j++)
            Assert.Equal(Math.Log(single.Average(s => Math.Exp(s.LogProbs[j]))), logE[j], 5);
        for (int i = 0; i < alphaE.Length; i++)
            Assert.Equal(single.Average(s => s.Alpha[i]), alphaE[i], 6);
    }

    [Fact]
    public void AnEnsembleOfTwoCopiesDecodesExactlyLikeOneDecoder()
    {
        var model = TestModels.Sharpened(TestModels.RandomModel(4), 4f);
        var grids = TestModels.RandomGrids(3, model.Config, 5);
        var single = new CaptionGenerator(model.CreateDecoder(), model.Vocabulary);
        var twice = new CaptionGenerator(new DecoderEnsemble([model.CreateDecoder(), model.CreateDecoder()]), model.Vocabulary);
        foreach (var options in new[] { new DecodingOptions { BeamWidth = 3 }, new DecodingOptions { Method = DecodingMethod.Greedy } })
        {
            var expected = single.Generate(grids, 3, options);
            var actual = twice.Generate(grids, 3, options);
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(expected[i][0].Text, actual[i][0].Text);
                Assert.Equal(expected[i][0].LogProbability, actual[i][0].LogProbability, 4);
            }
        }
    }

    [Fact]
    public void BeamOneEqualsGreedyForAnEnsemble()
    {
        var a = TestModels.Sharpened(TestModels.RandomModel(6), 3f);
        var b = TestModels.Sharpened(TestModels.RandomModel(7), 3f);
        var generator = new CaptionGenerator(new DecoderEnsemble([a.CreateDecoder(), b.CreateDecoder()]), a.Vocabulary);
        var grids = TestModels.RandomGrids(4, a.Config, 8);
        var beam = generator.Generate(grids, 4, new DecodingOptions { BeamWidth = 1, NBest = 1 });
        var greedy = generator.Generate(grids, 4, new DecodingOptions { Method = DecodingMethod.Greedy });
        Assert.Equal(greedy.Select(r => r[0].Text), beam.Select(r => r[0].Text));
        Assert.All(beam, r => Assert.All(r[0].Attention, map => Assert.Equal(1.0, map.Sum(), 4)));
    }

    [Fact]
    public void AFolderWithSeveralDecodersLoadsAsAnEnsembleAndIsChecksummed()
    {
        var a = TestModels.RandomModel(1);
        var b = TestModels.RandomModel(2);
        var ensemble = new DecoderModel([a.Parameters, b.Parameters], a.Vocabulary);
        ensemble.Save(_folder);
        Assert.True(File.Exists(Path.Combine(_folder, "decoder-2.safetensors")));

        var loaded = DecoderModel.Load(_folder);
        Assert.Equal(2, loaded.Members.Count);
        Assert.IsType<DecoderEnsemble>(loaded.CreateStepDecoder());
        Assert.IsType<AttentionDecoder>(loaded.WithMembers(1).CreateStepDecoder());
        foreach (var (name, data, _) in b.Parameters.Tensors)
            Assert.Equal(data, loaded.Members[1][name]);

        // Saving one decoder over it removes the second file (a stale member would silently join the ensemble).
        a.Save(_folder);
        Assert.False(File.Exists(Path.Combine(_folder, "decoder-2.safetensors")));
        Assert.Single(DecoderModel.Load(_folder).Members);

        // Three decoders save as decoder.safetensors, decoder-2 and decoder-3 and load as one ensemble of three; saving
        // two over them removes decoder-3.
        var c = TestModels.RandomModel(3);
        new DecoderModel([a.Parameters, b.Parameters, c.Parameters], a.Vocabulary).Save(_folder);
        var three = DecoderModel.Load(_folder);
        Assert.Equal(3, three.Members.Count);
        foreach (var (name, data, _) in c.Parameters.Tensors)
            Assert.Equal(data, three.Members[2][name]);
        Assert.Equal(2, three.WithMembers(2).Members.Count);
        ensemble.Save(_folder);
        Assert.False(File.Exists(Path.Combine(_folder, "decoder-3.safetensors")));
        Assert.Equal(2, DecoderModel.Load(_folder).Members.Count);

        // A tampered second decoder is caught by the checksums.
        ensemble.Save(_folder);
        var bytes = File.ReadAllBytes(Path.Combine(_folder, "decoder-2.safetensors"));
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(Path.Combine(_folder, "decoder-2.safetensors"), bytes);
        var ex = Assert.Throws<ModelFormatException>(() => DecoderModel.Load(_folder));
        Assert.Contains("decoder-2.safetensors", ex.Message);
    }

    [Fact]
    public void MembersOfDifferentSizesAreRefused()
    {
        var a = TestModels.RandomModel(1);
        var b = TestModels.RandomModel(2, TestModels.TinyConfig() with { HiddenDim = a.Config.HiddenDim + 2 });
        Assert.Throws<ModelFormatException>(() => new DecoderEnsemble([a.CreateDecoder(), b.CreateDecoder()]));
        Assert.Throws<ModelFormatException>(() => new DecoderModel([a.Parameters, b.Parameters], a.Vocabulary));
    }
}
