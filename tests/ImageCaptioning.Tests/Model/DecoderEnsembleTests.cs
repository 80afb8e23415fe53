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
