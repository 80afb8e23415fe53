using ImageCaptioning.Decoding;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Tests.Data;
using ImageCaptioning.Tests.Model;

namespace ImageCaptioning.Tests.ModelFolder;

/// <summary>A model folder's own default decoding (decoding.json) and re-ranking statistics (cider-df.json).</summary>
public sealed class DecodingDefaultsTests
{
    private static ConsensusDocumentFrequencies Frequencies(DecoderModel model) => ConsensusDocumentFrequencies.FromReferences(
        [[["w4", "w5"]], [["w4", "w5", "w6"]], [["w6"]]], model.Vocabulary, "three images");

    [Fact]
    public void AFolderWithoutTheFilesDecodesWithTheLibraryDefaults()
    {
        using var temporary = new TemporaryFolder("decoding-defaults");
        string folder = temporary.Path;
        TestModels.RandomModel(1).Save(folder);
        var loaded = DecoderModel.Load(folder);
        Assert.Same(DecodingOptions.Default, loaded.DecodingDefaults);
        Assert.Null(loaded.ConsensusFrequencies);
        Assert.False(File.Exists(temporary.File(DecodingFiles.DefaultsFileName)));
    }

    [Fact]
    public void TheDefaultsAndFrequenciesRoundTripWithChecksumsAndOnlyTheChangedValuesAreWritten()
    {
        using var temporary = new TemporaryFolder("decoding-defaults");
        string folder = temporary.Path;
        var model = TestModels.RandomModel(2);
        model.Save(folder);
        var chosen = DecodingOptions.Default with
        {
            BeamWidth = 8, NBest = 8, ConsensusLogProbabilityWeight = 3f, ConsensusLengthExponent = 0.25f,
            ConsensusWeighting = ConsensusWeighting.DocumentFrequency,
        };
        DecodingFiles.Write(folder, chosen, "dev-500, test", Frequencies(model));

        var loaded = DecoderModel.Load(folder);
        Assert.Equal(chosen, loaded.DecodingDefaults);
        Assert.Equal(3, loaded.ConsensusFrequencies!.Images);
        Assert.Same(loaded.ConsensusFrequencies, loaded.CreateGenerator().ConsensusFrequencies);
        Assert.Equal(chosen, loaded.WithMembers(1).DecodingDefaults);
        Assert.Same(loaded.ConsensusFrequencies, loaded.WithWeightPrecision(DecoderWeightPrecision.Float32).ConsensusFrequencies);
        string json = File.ReadAllText(temporary.File(DecodingFiles.DefaultsFileName));
        Assert.Contains("\"consensusWeighting\": \"DocumentFrequency\"", json);
        Assert.DoesNotContain("maxLength", json);                       // unchanged values stay the library's
        var checksums = File.ReadAllText(temporary.File(DecoderModel.ChecksumsFileName));
        Assert.Contains(DecodingFiles.DefaultsFileName, checksums);
        Assert.Contains(ConsensusDocumentFrequencies.FileName, checksums);

        // Saving the loaded model elsewhere carries the choice along.
        using var copy = new TemporaryFolder("decoding-defaults-copy");
        loaded.Save(copy.Path);
        var reloaded = DecoderModel.Load(copy.Path);
        Assert.Equal(chosen, reloaded.DecodingDefaults);
        Assert.Equal(loaded.ConsensusFrequencies.Frequencies, reloaded.ConsensusFrequencies!.Frequencies);
    }

    [Fact]
    public void AnEditedUnknownOrOutOfRangeDefaultIsAClearModelFormatError()
    {
        using var temporary = new TemporaryFolder("decoding-defaults");
        string folder = temporary.Path;
        TestModels.RandomModel(3).Save(folder);
        DecodingFiles.Write(folder, DecodingOptions.Default with { BeamWidth = 7 }, "test", frequencies: null);

        File.WriteAllText(temporary.File(DecodingFiles.DefaultsFileName), File.ReadAllText(temporary.File(DecodingFiles.DefaultsFileName)).Replace("7", "8"));
        var tampered = Assert.Throws<ModelFormatException>(() => DecoderModel.Load(folder));
        Assert.Contains("corrupt or was modified", tampered.Message);

        const string Decoding = DecodingFiles.DefaultsFileName, Df = ConsensusDocumentFrequencies.FileName;
        foreach (var (file, content, expected) in new[]
        {
            (Decoding, """{"format": "imagecaptioning-decoding/1", "options": {"beamWidth": 0}}""", "The beam width must be between 1 and 64, got 0."),
            (Decoding, """{"format": "imagecaptioning-decoding/1", "options": {"beamWidht": 3}}""", "beamWidht"),
            (Decoding, """{"format": "imagecaptioning-decoding/1", "options": {"consensusWeighting": "Idf"}}""", "consensusWeighting"),
            (Decoding, """{"format": "imagecaptioning-decoding/1", "options": {}, "chosen": "x", "note": "y"}""", "unknown field 'note'"),
            (Decoding, """{"format": "imagecaptioning-decoding/2", "options": {}}""", "field 'format' must be \"imagecaptioning-decoding/1\""),
            (Decoding, """{"format": "imagecaptioning-decoding/1"}""", "field 'options' is missing"),
            (Df, """{"format": "imagecaptioning-cider-df/1", "images": 3, "document_frequencies": {"w4": 4}}""", "'w4' with df 4"),
            (Df, """{"format": "imagecaptioning-cider-df/1", "images": 3, "document_frequencies": {"w4": "two"}}""", Df),
            (Df, """{"format": "imagecaptioning-cider-df/1", "document_frequencies": {}}""", "field 'images' is missing"),
            (Df, """[1, 2]""", "field 'format' must be \"imagecaptioning-cider-df/1\""),
        })
        {
            File.WriteAllText(temporary.File(Decoding), """{"format": "imagecaptioning-decoding/1", "options": {}}""");
            ModelChecksums.AddOrReplace(folder, Decoding);
            File.WriteAllText(temporary.File(file), content);
            ModelChecksums.AddOrReplace(folder, file);
            var ex = Assert.Throws<ModelFormatException>(() => DecoderModel.Load(folder));
            Assert.Contains(temporary.File(file), ex.Message);
            Assert.Contains(expected, ex.Message);
            File.Delete(temporary.File(Df));
        }
    }
}
