using System.Text;
using ImageCaptioning.Web.Examples;
using ImageCaptioning.Web.Hosting;
using ImageCaptioning.Web.Tests.Infrastructure;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>The app serving the shipped model (models/flickr8k-mobilenetv2) with the real encoder.</summary>
public sealed class ShippedModelFixture : ApiFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
        [new(CaptionAppFactory.Key("ModelFolder"), null)]; // null: the default, the shipped model
}

/// <summary>
/// The gallery is honest: every curated example, captioned as the page captions it (the page's own default settings,
/// guidance as the page sets it, the image bytes the page fetches, a multipart POST to /api/caption) by the shipped
/// model, names its subject (gallery.json's words), and the out-of-distribution check flags exactly the examples marked
/// as outside the training data. No caption is written down here: if a photo's caption misses, choose another photo.
/// </summary>
public sealed class GalleryCaptionTests(ShippedModelFixture fixture) : IClassFixture<ShippedModelFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_gallery_caption_names_its_subject_and_the_examples_outside_the_training_data_are_flagged()
    {
        var client = await fixture.ClientAsync();
        var page = PageDefaults.Read();
        Assert.Equal("tags", page.Guidance); // the page guides by default; the gallery is chosen for what visitors see

        // The page draws each word's attention as a side × side grid, side² = the cells the shipped model attends over.
        var model = (await Requests.ReadAsync<ModelInfo>(await client.GetAsync("/api/model", Ct)))!;
        int side = (int)Math.Round(Math.Sqrt(model.Decoder.Positions));
        Assert.Equal(model.Decoder.Positions, side * side);

        var examples = (await Requests.ReadAsync<List<ExampleImage>>(await client.GetAsync("/api/examples", Ct)))!;
        var curated = examples.Where(e => !e.Random && !e.Id.StartsWith("user-", StringComparison.Ordinal)).ToList();
        Assert.True(curated.Count >= 4, $"the gallery has {curated.Count} curated examples");
        Assert.False(curated[0].OutsideTrainingData, "the first example shows the model on the kind of photo it was trained for");
        Assert.Contains(curated, e => e.OutsideTrainingData);

        var failures = new StringBuilder();
        foreach (var example in curated)
        {
            Assert.True(example.Subjects.Count > 0, $"{example.Id} has no subject words in gallery.json");
            byte[] image = await client.GetByteArrayAsync($"/api/examples/{example.Id}", Ct);
            string extension = example.ContentType == "image/png" ? "png" : "jpg";
            using var response = await client.PostAsync("/api/caption",
                Requests.Form(image, $"{example.Id}.{extension}", example.ContentType, page.Fields), Ct);
            var result = await Requests.CaptionAsync(response);
            Assert.All(result.Words, w => Assert.True(w.Attention.Length == side && w.Attention.All(row => row.Length == side),
                $"{example.Id}: the attention of '{w.Text}' is not {side} × {side}"));
            bool flagged = result.OutOfDistribution?.Flagged == true;
            string line = $"{example.Id}: \"{result.Caption}\" (subjects: {string.Join("|", example.Subjects)}; " +
                          $"out-of-distribution score {result.OutOfDistribution?.Score:0.000}, flagged {flagged}, marked {example.OutsideTrainingData})";
            TestContext.Current.TestOutputHelper?.WriteLine(line);
            if (!GallerySubjects.Named(result.Caption, example.Subjects))
                failures.AppendLine($"caption does not name the subject — {line}");
            if (flagged != example.OutsideTrainingData)
                failures.AppendLine($"out-of-distribution flag differs from the gallery's mark — {line}");
        }
        Assert.True(failures.Length == 0, "Gallery examples the model does not caption as the gallery claims:\n" + failures);
    }
}
