using System.Text.Json;
using ImageCaptioning.Captioning;
using ImageCaptioning.Decoding;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Tests.Data;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Captioning;

/// <summary>`caption` decodes with the model folder's own defaults (decoding.json); options given on the command line override them one by one.</summary>
public sealed class CaptionCommandDecodingDefaultsTests
{
    private static async Task<string[]> CaptionsAsync(params string[] args)
    {
        var (exitCode, output, error) = await CaptionCommandTests.RunAsync([.. args, "--jsonl"]);
        Assert.True(exitCode == 0, error);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("caption").GetString()!)];
    }

    [Fact]
    public async Task TheModelsDefaultsApplyUnlessAnOptionIsGiven()
    {
        TestData.ModelsDirectory();
        string shipped = Captioner.DefaultModelFolder(TestData.Paths);
        using var folder = new TemporaryFolder("decoding-defaults-cli");
        foreach (string file in Directory.EnumerateFiles(shipped))
            File.Copy(file, folder.File(Path.GetFileName(file)));
        DecodingFiles.Write(folder.Path, DecodingOptions.Default with { BeamWidth = 2, NBest = 2, ConsensusRerank = false }, "test", null);
        string[] images = [.. CaptionerFixture.SomeImages.Select(CaptionerFixture.Flickr8kImage)];

        var shippedDefault = await CaptionsAsync([.. images, "--model", shipped]);
        var shippedBeam2 = await CaptionsAsync([.. images, "--model", shipped, "--beam", "2", "--nbest", "2", "--rerank", "false"]);
        Assert.NotEqual(shippedDefault, shippedBeam2);   // the two decodings differ on these images, so the checks below can fail
        Assert.Equal(shippedBeam2, await CaptionsAsync([.. images, "--model", folder.Path]));
        Assert.Equal(shippedDefault, await CaptionsAsync([.. images, "--model", folder.Path, "--beam", "5", "--nbest", "5", "--rerank", "true"]));

        var (exitCode, _, error) = await CaptionCommandTests.RunAsync(images[0], "--model", folder.Path, "--rerank", "true", "--rerank-weighting", "DocumentFrequency");
        Assert.Equal(1, exitCode);   // one readable line, no stack trace
        Assert.StartsWith("error: --rerank-weighting DocumentFrequency needs the model folder's cider-df.json", error);
    }
}
