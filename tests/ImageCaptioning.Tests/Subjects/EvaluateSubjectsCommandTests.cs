using System.Text.Json;
using ImageCaptioning.Cli.Commands;
using ImageCaptioning.Decoding;
using ImageCaptioning.Tags;
using ImageCaptioning.Tests.Captioning;
using ImageCaptioning.Tests.Data;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Subjects;

/// <summary>evaluate-subjects end to end (real encoder, a small random decoder) on three dev-set photos.</summary>
public sealed class EvaluateSubjectsCommandTests(CaptionerFixture fixture) : IClassFixture<CaptionerFixture>
{
    [Fact]
    public async Task Reports_the_rates_and_a_json_report_for_every_photo()
    {
        TestData.ModelsDirectory();
        using var temp = new TemporaryFolder("evaluate-subjects");
        string photos = Path.Combine(TestData.RepositoryRoot(), "data", "subjects", "photos");
        string labels = temp.WriteLines("labels.tsv", "file\tsubjects\tdog\tcategories\tlicence",
            $"{photos}/dog.jpg\tdog\tyes\tanimal\tPublic-Domain",
            $"{photos}/chelsea.jpg\tcat|kitten\tno\tanimal\tCC0-1.0",
            $"{photos}/coffee.jpg\tcoffee|cup\tno\t\tCC0-1.0");
        var options = new EvaluateSubjectsCommand.Options(labels, fixture.ModelFolder,
            Path.Combine(TestData.RepositoryRoot(), "models", ImageNetTagTable.FolderName),
            DecodingOptions.Default with { BeamWidth = 2, ConsensusRerank = false }, temp.File("report.json"));
        var output = new StringWriter();

        int exit = await EvaluateSubjectsCommand.RunAsync(options, TestData.Paths with { ModelCacheDirectory = fixture.ScratchFolder }, output, TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        string text = output.ToString();
        Assert.Matches(@"subject named in the caption: [0-3]/3", text);
        Assert.Matches(@"dog in a dog-free photo's caption: [0-2]/2", text);
        Assert.Contains("| 0.90 | 3/3 (100 %) | 3/3 (100 %) | 3/3 (100 %) |", text); // cat, cup, dog: each top tag > 0.9 and right
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(temp.File("report.json"), TestContext.Current.CancellationToken));
        Assert.Equal(3, report.RootElement.GetProperty("photos").GetInt32());
        var images = report.RootElement.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(["dog.jpg", "chelsea.jpg", "coffee.jpg"], images.Select(i => i.GetProperty("file").GetString()));
        Assert.True(images[0].GetProperty("dogProbability").GetSingle() > 0.9f);
        Assert.Equal("cat", images[1].GetProperty("topTag").GetString()); // the best guess: "animal" is as probable but broader
        Assert.Contains(images[1].GetProperty("tags").EnumerateArray(), t => t.GetProperty("word").GetString() == "animal");
    }

    [Fact]
    public async Task A_missing_labels_file_is_one_clear_error()
    {
        var options = new EvaluateSubjectsCommand.Options("/nonexistent/labels.tsv", null, "/nonexistent", DecodingOptions.Default, null);
        var error = await Assert.ThrowsAsync<ImageCaptioning.Subjects.SubjectLabelsException>(() =>
            EvaluateSubjectsCommand.RunAsync(options, TestData.Paths, TextWriter.Null, TestContext.Current.CancellationToken));
        Assert.Contains("do not exist", error.Message);
    }
}
