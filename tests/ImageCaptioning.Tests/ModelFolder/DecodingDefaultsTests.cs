using ImageCaptioning.Decoding;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Tests.Model;

namespace ImageCaptioning.Tests.ModelFolder;

/// <summary>A model folder's own default decoding (decoding.json) and re-ranking statistics (cider-df.json).</summary>
public sealed class DecodingDefaultsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"decoding-defaults-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private string PathOf(string file) => Path.Combine(_folder, file);

    private static ConsensusDocumentFrequencies Frequencies(DecoderModel model) => ConsensusDocumentFrequencies.FromReferences(
        [[["w4", "w5"]], [["w4", "w5", "w6"]], [["w6"]]], model.Vocabulary, "three images");

    [Fact]
    public void AFolderWithoutTheFilesDecodesWithTheLibraryDefaults()
    {
        TestModels.RandomModel(1).Save(_folder);
        var loaded = DecoderModel.Load(_folder);
        Assert.Same(DecodingOptions.Default, loaded.DecodingDefaults);
        Assert.Null(loaded.ConsensusFrequencies);
        Assert.False(File.Exists(PathOf(DecodingDefaultsFile.FileName)));
    }

    [Fact]
    public void TheDefaultsAndFrequenciesRoundTripWithChecksumsAndOnlyTheChangedValuesAreWritten()
    {
        var model = TestModels.RandomModel(2);
        model.Save(_folder);
        var chosen = DecodingOptions.Default with
        {
            BeamWidth = 8, NBest = 8, ConsensusLogProbabilityWeight = 3f, ConsensusLengthExponent = 0.25f,
            ConsensusWeighting = ConsensusWeighting.DocumentFrequency,
        };
        DecoderModel.WriteDecodingDefaults(_folder, chosen, "dev-500, test", Frequencies(model));

        var loaded = DecoderModel.Load(_folder);
        Assert.Equal(chosen, loaded.DecodingDefaults);
        Assert.Equal(3, loaded.ConsensusFrequencies!.Images);
        Assert.Same(loaded.ConsensusFrequencies, loaded.CreateGenerator().ConsensusFrequencies);
        Assert.Equal(chosen, loaded.WithMembers(1).DecodingDefaults);
        string json = File.ReadAllText(PathOf(DecodingDefaultsFile.FileName));
        Assert.Contains("\"consensusWeighting\": \"DocumentFrequency\"", json);
        Assert.DoesNotContain("maxLength", json);                       // unchanged values stay the library's
        var checksums = File.ReadAllText(PathOf(DecoderModel.ChecksumsFileName));
        Assert.Contains(DecodingDefaultsFile.FileName, checksums);
        Assert.Contains(ConsensusDocumentFrequencies.FileName, checksums);

        // Saving the loaded model elsewhere carries the choice along.
        string copy = _folder + "-copy";
        try
        {
            loaded.Save(copy);
            Assert.Equal(chosen, DecoderModel.Load(copy).DecodingDefaults);
        }
        finally { Directory.Delete(copy, recursive: true); }
    }

    [Fact]
    public void AnEditedUnknownOrOutOfRangeDefaultIsAClearModelFormatError()
    {
        var model = TestModels.RandomModel(3);
        model.Save(_folder);
        DecoderModel.WriteDecodingDefaults(_folder, DecodingOptions.Default with { BeamWidth = 7 }, "test", frequencies: null);

        File.WriteAllText(PathOf(DecodingDefaultsFile.FileName), File.ReadAllText(PathOf(DecodingDefaultsFile.FileName)).Replace("7", "8"));
        var tampered = Assert.Throws<ModelFormatException>(() => DecoderModel.Load(_folder));
        Assert.Contains("corrupt or was modified", tampered.Message);

        foreach (var (options, expected) in new[]
        {
            ("""{"beamWidth": 0}""", "The beam width must be between 1 and 64, got 0."),
            ("""{"beamWidht": 3}""", "beamWidht"),
            ("""{"consensusWeighting": "Idf"}""", "consensusWeighting"),
        })
        {
            File.WriteAllText(PathOf(DecodingDefaultsFile.FileName), $$"""{"format": "imagecaptioning-decoding/1", "options": {{options}}}""");
            ModelChecksums.AddOrReplace(_folder, DecodingDefaultsFile.FileName);
            var ex = Assert.Throws<ModelFormatException>(() => DecoderModel.Load(_folder));
            Assert.Contains(DecodingDefaultsFile.FileName, ex.Message);
            Assert.Contains(expected, ex.Message);
        }
    }
}
