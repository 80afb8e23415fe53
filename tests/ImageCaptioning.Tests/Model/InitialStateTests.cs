using ImageCaptioning.Model;
using ImageCaptioning.Tests.Training;

namespace ImageCaptioning.Tests.Model;

/// <summary>The <c>initial_state</c> config field: what it changes in the decoder and how it is stored.</summary>
public class InitialStateTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData(DecoderConfig.LearnedInitialState, false)]
    public void TheInitialStateDependsOnTheImageOnlyWhenItComesFromTheMeanFeature(string? initialState, bool dependsOnImage)
    {
        var config = TinyDecoders.Config() with { InitialState = initialState };
        var decoder = new AttentionDecoder(DecoderParameters.CreateRandom(config, seed: 11));
        var grids = TinyDecoders.RandomGrids(2, config, seed: 12);
        var ws = decoder.CreateWorkspace(maxRows: 2, maxImages: 2);
        decoder.PrepareImages(grids, 2, ws);

        int H = config.HiddenDim;
        bool sameH = ws.InitialH.AsSpan(0, H).SequenceEqual(ws.InitialH.AsSpan(H, H));
        bool sameC = ws.InitialC.AsSpan(0, H).SequenceEqual(ws.InitialC.AsSpan(H, H));
        Assert.Equal(dependsOnImage, !sameH);
        Assert.Equal(dependsOnImage, !sameC);
    }

    [Fact]
    public void TheDefaultIsNotWrittenSoExistingConfigFilesStayByteForByteTheSame()
    {
        string dir = Directory.CreateTempSubdirectory("initial-state-").FullName;
        try
        {
            var plain = TinyDecoders.Config();
            plain.Save(Path.Combine(dir, "plain.json"));
            Assert.DoesNotContain("initial_state", File.ReadAllText(Path.Combine(dir, "plain.json")));
            Assert.True(DecoderConfig.Load(Path.Combine(dir, "plain.json")).InitialStateFromFeatures);

            (plain with { InitialState = DecoderConfig.LearnedInitialState }).Save(Path.Combine(dir, "learned.json"));
            var learned = DecoderConfig.Load(Path.Combine(dir, "learned.json"));
            Assert.Equal(DecoderConfig.LearnedInitialState, learned.InitialState);
            Assert.False(learned.InitialStateFromFeatures);

            (plain with { InitialState = "zero" }).Save(Path.Combine(dir, "bad.json"));
            var error = Assert.Throws<ModelFormatException>(() => DecoderConfig.Load(Path.Combine(dir, "bad.json")));
            Assert.Contains("initial_state", error.Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
