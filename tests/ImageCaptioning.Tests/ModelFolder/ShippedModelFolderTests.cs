using System.Text.Json;
using ImageCaptioning.Captioning;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.OutOfDistribution;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.ModelFolder;

/// <summary>
/// The shipped folder's derived files agree with its decoders, whatever their number, so a swap of the shipped
/// decoders that forgets one fails here (models/manifest.json is checked by ModelManifestTests): checksums.sha256 covers
/// exactly the files the model loads, training.json has one entry per decoder in order, and the model card names every
/// decoder file.
/// </summary>
public sealed class ShippedModelFolderTests
{
    private static string Folder => Path.Combine(TestData.RepositoryRoot(), "models", Captioner.DefaultModelName);

    private static string[] DecoderFiles() =>
        [.. Enumerable.Range(0, 64).Select(DecoderModel.MemberFileName).TakeWhile(name => File.Exists(Path.Combine(Folder, name)))];

    [Fact]
    public void TheChecksumsCoverExactlyTheFilesTheModelLoads()
    {
        string[] decoders = DecoderFiles();
        Assert.Equal(decoders.Length, DecoderModel.Load(Folder).Members.Count);
        Assert.Empty(Directory.GetFiles(Folder, "decoder*.safetensors").Select(Path.GetFileName).Except(decoders)); // no member after a gap
        string[] expected = [DecoderModel.ConfigFileName, DecoderModel.VocabularyFileName, .. decoders, FeatureNeighbourDetector.FileName];
        string[] listed = [.. File.ReadAllLines(Path.Combine(Folder, DecoderModel.ChecksumsFileName))
            .Where(line => line.Trim().Length > 0).Select(line => line[66..].TrimStart('*'))];
        Assert.Equal(expected, listed);
        Assert.NotNull(FeatureNeighbourDetector.Load(Folder));   // verifies its own checksum line
    }

    [Fact]
    public void TheTrainingRecordDescribesEveryDecoderInOrder()
    {
        string[] decoders = DecoderFiles();
        using var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "training.json")));
        var root = record.RootElement;
        Assert.True(root.TryGetProperty("dev", out var dev) && dev.EnumerateObject().Any(), "training.json has no dev-split scores");
        if (decoders.Length == 1) return;   // one decoder: the record `train` / `train-scst` wrote
        Assert.Equal("ensemble", root.GetProperty("stage").GetString());
        var members = root.GetProperty("members").EnumerateArray().ToArray();
        Assert.Equal(decoders, members.Select(m => m.GetProperty("file").GetString()));
        Assert.All(members, m => Assert.False(string.IsNullOrWhiteSpace(m.GetProperty("description").GetString())));
    }

    [Fact]
    public void TheModelCardNamesEveryDecoderFile()
    {
        string card = File.ReadAllText(Path.Combine(Folder, DecoderModel.ModelCardFileName));
        Assert.All(DecoderFiles(), name => Assert.Contains($"`{name}`", card));
    }
}
