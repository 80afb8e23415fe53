using ImageCaptioning.Cli;
using ImageCaptioning.Cli.Commands;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Tests.Data;
using ImageCaptioning.Tests.Model;

namespace ImageCaptioning.Tests.Cli;

/// <summary>`ensemble --out`: a folder holding files the command does not write is refused and left as it was.</summary>
public sealed class EnsembleCommandTests : IDisposable
{
    private readonly TemporaryFolder _root = new("ensemble-cmd");

    public void Dispose() => _root.Dispose();

    private string Member(int seed)
    {
        string folder = _root.File($"member{seed}");
        TestModels.RandomModel(seed).Save(folder);
        return folder;
    }

    private static Dictionary<string, byte[]> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    [Fact]
    public void AFolderWithFilesEnsembleDoesNotWriteIsRefusedAndKeptByteForByte()
    {
        string shipped = _root.File("shipped");
        EnsembleCommand.Run([Member(1), Member(2)], shipped, replace: false);
        File.WriteAllText(Path.Combine(shipped, "ood-reference.safetensors"), "reference");
        File.WriteAllText(Path.Combine(shipped, "training.json"), "{}");
        var before = Snapshot(shipped);

        var ex = Assert.Throws<Errors.ImageCaptioningException>(() => EnsembleCommand.Run([Member(3), Member(4), Member(5)], shipped, replace: false));

        Assert.Contains("ood-reference.safetensors, training.json", ex.Message);
        Assert.Contains("--replace", ex.Message);
        Assert.Equal(CliRunner.ExitBadInput, CliRunner.Report(ex));
        var after = Snapshot(shipped);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.All(before, kv => Assert.Equal(kv.Value, after[kv.Key]));
    }

    [Fact]
    public void AnEnsembleFolderIsReplacedAndASmallerEnsembleLeavesNoStaleDecoder()
    {
        string folder = _root.File("mix");
        EnsembleCommand.Run([Member(1), Member(2), Member(3)], folder, replace: false);

        EnsembleCommand.Run([Member(4), Member(5)], folder, replace: false);

        Assert.False(File.Exists(Path.Combine(folder, "decoder-3.safetensors")));
        Assert.Equal(2, DecoderModel.Load(folder).Members.Count);
    }

    [Fact]
    public void ReplaceEmptiesTheFolderSoEveryFileLeftIsVouchedFor()
    {
        string folder = _root.File("shipped");
        EnsembleCommand.Run([Member(1), Member(2)], folder, replace: false);
        File.WriteAllText(Path.Combine(folder, "ood-reference.safetensors"), "reference");
        Directory.CreateDirectory(Path.Combine(folder, "notes"));

        var ensemble = EnsembleCommand.Run([Member(3), Member(4), Member(5)], folder, replace: true);

        Assert.Equal(3, ensemble.Members.Count);
        Assert.Equal(["MODEL_CARD.md", "checksums.sha256", "config.json", "decoder-2.safetensors", "decoder-3.safetensors", "decoder.safetensors", "vocab.json"],
            Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(3, DecoderModel.Load(folder).Members.Count);   // Load verifies the checksums
    }

    [Fact]
    public void ImageProjectionIsWrittenToTheConfigAndReadBackOnLoad()
    {
        string folder = _root.File("int8");
        EnsembleCommand.Run([Member(1), Member(2), Member(3)], folder, replace: false, imageProjection: "int8");

        Assert.Contains("\"image_projection\": \"int8\"", File.ReadAllText(Path.Combine(folder, "config.json")));
        var model = DecoderModel.Load(folder);
        Assert.All(model.Members, m => Assert.True(m.Config.Int8ImageProjection));
        Assert.Equal(TestModels.RandomModel(2).Parameters.LstmWeight.Select(w => (float)(Half)w), model.Members[1].LstmWeight);  // the weights kept (saved as F16)

        EnsembleCommand.Run([Member(1), Member(2)], folder, replace: false);
        Assert.False(DecoderModel.Load(folder).Config.Int8ImageProjection);
    }
    [Fact]
    public void StepWeightsAreWrittenToTheConfigAndChooseWhatTheLoadedModelsStepsRead()
    {
        string folder = _root.File("steps");
        EnsembleCommand.Run([Member(1), Member(2), Member(3)], folder, replace: false, stepWeights: "int8");

        Assert.Contains("\"step_weights\": \"int8\"", File.ReadAllText(Path.Combine(folder, "config.json")));
        var model = DecoderModel.Load(folder);
        Assert.Equal(DecoderWeightPrecision.Int8, model.WeightPrecision);
        Assert.All(((DecoderEnsemble)model.CreateStepDecoder()).Members, m => Assert.Equal(DecoderWeightPrecision.Int8, m.WeightPrecision));

        EnsembleCommand.Run([Member(1), Member(2)], folder, replace: false);                  // absent: the exact float16 copy of the F16 file
        Assert.DoesNotContain("step_weights", File.ReadAllText(Path.Combine(folder, "config.json")));
        Assert.Equal(DecoderWeightPrecision.Float16, DecoderModel.Load(folder).WeightPrecision);

        EnsembleCommand.Run([Member(1), Member(2)], folder, replace: false, stepWeights: "float32");
        Assert.Equal(DecoderWeightPrecision.Float32, DecoderModel.Load(folder).WeightPrecision);
    }

    [Fact]
    public void AnUnknownStepWeightsValueIsRefusedWhenTheConfigIsRead()
    {
        string path = _root.File("bad-config.json");
        (TestModels.RandomModel(1).Config with { StepWeights = "int4" }).Save(path);

        var error = Assert.Throws<ModelFormatException>(() => DecoderConfig.Load(path));

        Assert.Contains("'step_weights' must be one of 'float32', 'float16', 'int8', got 'int4'", error.Message);
    }
}
