using System.Text;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;

using ImageCaptioning.Tests.Model;

namespace ImageCaptioning.Tests.ModelFolder;

/// <summary>The model folder format: round trips, and a clear <see cref="ModelFormatException"/> for every kind of damage.</summary>
public sealed class DecoderModelTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"decoder-model-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private string PathOf(string file) => Path.Combine(_folder, file);

    /// <summary>After editing a file on purpose, re-vouch for it so the check under test is the one that fires.</summary>
    private void RewriteChecksums() => ModelChecksums.Write(_folder, DecoderModel.ChecksummedFiles);

    [Fact]
    public void SaveWritesEveryFileAndLoadRestoresTheModelExactly()
    {
        var model = TestModels.RandomModel(3);
        model.Save(_folder);

        foreach (string file in new[] { "config.json", "vocab.json", "decoder.safetensors", "MODEL_CARD.md", "checksums.sha256" })
            Assert.True(File.Exists(PathOf(file)), file);
        var loaded = DecoderModel.Load(_folder);
        Assert.Equal(model.Config, loaded.Config);
        Assert.Equal(model.Vocabulary.Tokens, loaded.Vocabulary.Tokens);
        foreach (var (name, data, _) in model.Parameters.Tensors)
            Assert.Equal(data, loaded.Parameters[name]);
        Assert.Equal(Path.GetFileName(_folder), loaded.Name);

        var grids = TestModels.RandomGrids(2, model.Config, 3);
        Assert.Equal(model.CreateGenerator().Generate(grids, 2).Select(r => r[0].Text),
                     loaded.CreateGenerator().Generate(grids, 2).Select(r => r[0].Text));
    }

    [Fact]
    public void ChecksumsFileIsInSha256sumFormat()
    {
        TestModels.RandomModel(1).Save(_folder);
        string[] lines = File.ReadAllLines(PathOf("checksums.sha256"));
        Assert.Equal(3, lines.Length);
        foreach (var (line, file) in lines.Zip(DecoderModel.ChecksummedFiles))
        {
            Assert.Matches($"^[0-9a-f]{{64}}  {file.Replace(".", "\\.")}$", line);
            Assert.StartsWith(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(PathOf(file)))), line);
        }
    }

    [Fact]
    public void ModelCardDocumentsEveryTensorWithItsShape()
    {
        var model = TestModels.RandomModel(1);
        model.Save(_folder);
        string card = File.ReadAllText(PathOf("MODEL_CARD.md"));
        foreach (var (name, _, shape) in model.Parameters.Tensors)
            Assert.Contains($"| `{name}` | [{string.Join(", ", shape)}] |", card);
    }

    [Fact]
    public void AnEnsemblesGeneratedCardCountsItsDecodersAndNamesEveryFile()
    {
        var members = Enumerable.Range(1, 3).Select(seed => TestModels.RandomModel(seed)).ToArray();
        new DecoderModel([.. members.Select(m => m.Parameters)], members[0].Vocabulary).Save(_folder);
        string card = File.ReadAllText(PathOf("MODEL_CARD.md"));
        int each = members[0].Parameters.ParameterCount;
        Assert.Contains("An ensemble of 3 ", card);
        Assert.Contains($"- 3 decoders of {each:N0} parameters each ({3 * each:N0} in all), stored as F32", card);
        Assert.Contains("## Weights (`decoder.safetensors`, `decoder-2.safetensors`, `decoder-3.safetensors`)", card);
    }

    [Fact]
    public void HalfPrecisionWeightsLoadCloseToTheOriginals()
    {
        var model = TestModels.RandomModel(2);
        model.Save(_folder, SafeTensorsFile.StorageType.F16);
        var loaded = DecoderModel.Load(_folder);
        foreach (var (name, data, _) in model.Parameters.Tensors)
            for (int i = 0; i < data.Length; i++)
                Assert.Equal(data[i], loaded.Parameters[name][i], Math.Abs(data[i]) * 1e-3f + 1e-6f);
    }

    [Fact]
    public void TamperedFileIsNamedWithBothHashes()
    {
        TestModels.RandomModel(1).Save(_folder);
        byte[] bytes = File.ReadAllBytes(PathOf("decoder.safetensors"));
        bytes[^5] ^= 0x40;
        File.WriteAllBytes(PathOf("decoder.safetensors"), bytes);

        var ex = Assert.Throws<ModelFormatException>(() => DecoderModel.Load(_folder));
        Assert.Contains("decoder.safetensors", ex.Message);
        Assert.Contains("corrupt or was modified", ex.Message);
        Assert.Matches("SHA-256 is [0-9a-f]{64} but checksums.sha256 says [0-9a-f]{64}", ex.Message);
    }

    [Fact]
    public void MissingChecksumsFileIsExplained()
    {
        TestModels.RandomModel(1).Save(_folder);
        File.Delete(PathOf("checksums.sha256"));
        var ex = Assert.Throws<ModelFormatException>(() => DecoderModel.Load(_folder));
        Assert.Contains("sha256sum config.json vocab.json decoder.safetensors > checksums.sha256", ex.Message);
    }

    [Fact]
    public void MissingTensorIsNamed()
    {
        var model = TestModels.RandomModel(1);
        model.Save(_folder);
        SafeTensorsFile.Write(PathOf("decoder.safetensors"), model.Parameters.Tensors.Where(t => t.Name != "gate.bias"));
        RewriteChecksums();
        var ex = Assert.Throws<ModelFormatException>(() => DecoderModel.Load(_folder));
        Assert.Contains("lacks tensor(s) gate.bias", ex.Message);
    }

    [Fact]
    public void WrongShapeIsNamedWithBothShapes()
    {
        var model = TestModels.RandomModel(1);
        model.Save(_folder);
        var tensors = model.Parameters.Tensors
            .Select(t => t.Name == "output.weight" ? (t.Name, t.Data, new[] { t.Shape[1], t.Shape[0] }) : t);
        SafeTensorsFile.Write(PathOf("decoder.safetensors"), tensors);
        RewriteChecksums();
        var ex = Assert.Throws<ModelFormatException>(() => DecoderModel.Load(_folder));
        Assert.Contains("'output.weight' has shape [4, 12] but config.json implies [12, 4]", ex.Message);
    }

    [Fact]
    public void TruncatedWeightsFileIsReported()
    {
        TestModels.RandomModel(1).Save(_folder);
        byte[] bytes = File.ReadAllBytes(PathOf("decoder.safetensors"));
        File.WriteAllBytes(PathOf("decoder.safetensors"), bytes[..(bytes.Length - 100)]);
        RewriteChecksums();
        var ex = Assert.Throws<ModelFormatException>(() => DecoderModel.Load(_folder));
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void UnsupportedDtypeIsNamed()
    {
        TestModels.RandomModel(1).Save(_folder);
        byte[] bytes = File.ReadAllBytes(PathOf("decoder.safetensors"));
        int headerLength = (int)BitConverter.ToUInt64(bytes, 0);
        string header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        int at = header.IndexOf("\"F32\"", StringComparison.Ordinal);
        Encoding.UTF8.GetBytes("\"I32\"").CopyTo(bytes, 8 + at); // same length: the header stays valid JSON
        File.WriteAllBytes(PathOf("decoder.safetensors"), bytes);
        RewriteChecksums();
        var ex = Assert.Throws<ModelFormatException>(() => DecoderModel.Load(_folder));
        Assert.Contains("dtype I32", ex.Message);
    }

    [Fact]
    public void VocabularyOfAnotherSizeThanTheConfigIsRefused()
    {
        TestModels.RandomModel(1).Save(_folder);
        TestModels.Vocabulary(10).Save(PathOf("vocab.json"));
        RewriteChecksums();
        var ex = Assert.Throws<ModelFormatException>(() => DecoderModel.Load(_folder));
        Assert.Contains("has 10 tokens but config.json says vocab_size = 12", ex.Message);
    }

    [Fact]
    public void BrokenConfigIsReported()
    {
        TestModels.RandomModel(1).Save(_folder);
        File.WriteAllText(PathOf("config.json"), "{ \"format\": \"imagecaptioning-decoder/1\", \"vocab_size\": ");
        RewriteChecksums();
        var ex = Assert.Throws<ModelFormatException>(() => DecoderModel.Load(_folder));
        Assert.Contains("not valid JSON", ex.Message);
    }

    [Fact]
    public void MissingFolderIsItsOwnError()
    {
        var ex = Assert.Throws<DecoderModelNotFoundException>(() => DecoderModel.Load(_folder));
        Assert.Equal(Path.GetFullPath(_folder), ex.Folder);
    }
}
