using ImageCaptioning.Web.Examples;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageCaptioning.Web.Tests.Units;

/// <summary>The shipped gallery's manifest: every photo credited, nothing unlisted shipped, only permissive licences.</summary>
public sealed class GalleryManifestTests
{
    private static readonly string[] PermissiveLicences = ["public domain", "CC0-1.0", "CC-BY-2.0"];

    private static string BuiltInFolder => Path.Combine(AppContext.BaseDirectory, "wwwroot", "examples");

    [Fact]
    public void Every_shipped_photo_is_in_the_manifest_with_its_source_licence_and_subject_and_nothing_else_is_shipped()
    {
        var manifest = GalleryManifest.Read(BuiltInFolder);
        Assert.NotNull(manifest);
        string[] files = [.. Directory.EnumerateFiles(BuiltInFolder).Select(Path.GetFileName).Where(f => f != GalleryManifest.FileName).Order()!];
        Assert.Equal(files, manifest.Examples.Select(e => e.File).Order());
        foreach (var entry in manifest.Examples)
        {
            Assert.Contains(entry.Licence, PermissiveLicences);
            Assert.False(string.IsNullOrWhiteSpace(entry.Author), $"{entry.File}: author");
            Assert.False(string.IsNullOrWhiteSpace(entry.Source), $"{entry.File}: source");
            Assert.StartsWith("https://", entry.SourceUrl);
            Assert.NotEmpty(entry.Subjects!);
            Assert.Contains(entry.Licence, entry.Credit);
        }
        Assert.Contains(manifest.Examples, e => e.OutsideTrainingData);
    }

    [Fact]
    public void A_manifest_orders_and_credits_its_folder_and_a_file_it_does_not_list_is_left_out()
    {
        using var folder = new Infrastructure.TemporaryFolder("gallery-manifest");
        File.WriteAllBytes(Path.Combine(folder.Path, "b.png"), Infrastructure.TestImages.Png(40, 30));
        File.WriteAllBytes(Path.Combine(folder.Path, "a.jpg"), Infrastructure.TestImages.Jpeg(40, 30));
        File.WriteAllBytes(Path.Combine(folder.Path, "unlisted.png"), Infrastructure.TestImages.Png(50, 30));
        File.WriteAllText(Path.Combine(folder.Path, GalleryManifest.FileName), """
            { "examples": [
                { "file": "b.png", "title": "Bee", "subjects": ["bee"], "licence": "CC0-1.0", "author": "X", "source": "here" },
                { "file": "a.jpg", "title": "Ant", "subjects": ["ant"], "outsideTrainingData": true, "licence": "public domain" } ] }
            """);
        var catalog = new ExampleCatalog(folder.Path, null, new ImageCaptioning.Imaging.ImageLimits(), NullLogger.Instance);
        Assert.Equal(["b", "a"], catalog.All.Select(e => e.Id));
        Assert.Equal("CC0-1.0, by X, here", catalog.All[0].Credit);
        Assert.Equal(["ant"], catalog.All[1].Subjects);
        Assert.True(catalog.All[1].OutsideTrainingData);
    }

    [Theory]
    [InlineData("""{ "examples": [ { "file": "../secret.png", "title": "t", "licence": "CC0-1.0" } ] }""", "only a file name")]
    [InlineData("""{ "examples": [ { "file": "a.png", "licence": "CC0-1.0" } ] }""", "needs a file, a title and a licence")]
    [InlineData("""{ "examples": """, "is not a gallery manifest")]
    public void A_broken_manifest_is_refused_with_a_message_naming_the_file(string json, string expected)
    {
        using var folder = new Infrastructure.TemporaryFolder("gallery-manifest");
        File.WriteAllText(Path.Combine(folder.Path, GalleryManifest.FileName), json);
        var error = Assert.Throws<InvalidDataException>(() => GalleryManifest.Read(folder.Path));
        Assert.Contains(expected, error.Message);
        Assert.Contains(GalleryManifest.FileName, error.Message);
    }
}
