using System.CommandLine;
using ImageCaptioning.Cli.Commands;
using ImageCaptioning.Decoding;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Tests.Data;
using ImageCaptioning.Tests.Model;

namespace ImageCaptioning.Tests.Cli;

/// <summary>`decoding-defaults` writes decoding.json (and its checksum line) into a model folder, leaving the weights alone.</summary>
public sealed class DecodingDefaultsCommandTests
{
    [Fact]
    public async Task TheChosenValuesLoadAsTheModelsDefaultsAndTheOtherFilesAreUntouched()
    {
        using var temporary = new TemporaryFolder("decoding-defaults-cmd");
        TestModels.RandomModel(4).Save(temporary.Path);
        byte[] weights = File.ReadAllBytes(temporary.File(DecoderModel.WeightsFileName));
        var (output, error) = (new StringWriter(), new StringWriter());

        int exitCode = await new RootCommand { DecodingDefaultsCommand.Create() }
            .Parse(["decoding-defaults", "--model", temporary.Path, "--rerank-weight", "5", "--rerank-length-exponent", "0.25", "--chosen", "dev-500 (test)"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);

        Assert.True(exitCode == 0, error.ToString());
        Assert.Contains("re-ranking λ 5, α 0.25, Uniform", output.ToString());
        Assert.Equal(DecodingOptions.Default with { ConsensusLogProbabilityWeight = 5f, ConsensusLengthExponent = 0.25f },
            DecoderModel.Load(temporary.Path).DecodingDefaults);
        Assert.Equal(weights, File.ReadAllBytes(temporary.File(DecoderModel.WeightsFileName)));
        Assert.False(File.Exists(temporary.File(ConsensusDocumentFrequencies.FileName)));   // uniform weighting needs no table
        Assert.Contains("\"chosen\": \"dev-500 (test)\"", File.ReadAllText(temporary.File(DecodingFiles.DefaultsFileName)));
    }
}
