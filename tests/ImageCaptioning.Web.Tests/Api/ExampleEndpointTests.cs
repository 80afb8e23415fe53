using System.Net;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Problems;
using ImageCaptioning.Web.Examples;
using ImageCaptioning.Web.Tests.Infrastructure;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>The example gallery: built-in photos with credits, the random Flickr8k test photo, a user folder, lookups by id only.</summary>
[Collection(ApiCollection.Name)]
public sealed class ExampleEndpointTests(SharedApiFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string BuiltInFolder => Path.Combine(AppContext.BaseDirectory, "wwwroot", "examples");

    [Fact]
    public async Task The_gallery_lists_the_built_in_photos_in_manifest_order_then_the_random_test_photo_then_the_new_user_photo()
    {
        var client = await fixture.ClientAsync();
        var examples = (await Requests.ReadAsync<List<ExampleImage>>(await client.GetAsync("/api/examples", Ct)))!;
        var manifest = GalleryManifest.Read(BuiltInFolder)!;
        string[] builtIn = [.. manifest.Examples.Select(e => Path.GetFileNameWithoutExtension(e.File))];
        Assert.Equal([.. builtIn, Flickr8kTestPhotos.ExampleId, SharedApiFixture.UserExampleId], examples.Select(e => e.Id));

        var cat = examples.Single(e => e.Id == "chelsea");
        Assert.Equal("Chelsea the cat", cat.Title);
        Assert.Contains("CC0", cat.Credit);
        Assert.Contains("Stefan van der Walt", cat.Credit);
        Assert.StartsWith("https://", cat.SourceUrl);
        Assert.Contains("cat", cat.Subjects);
        Assert.True(cat.OutsideTrainingData);
        Assert.Equal("image/png", cat.ContentType);
        Assert.False(examples.Single(e => e.Id == "polar-bear").OutsideTrainingData);

        var random = examples.Single(e => e.Id == Flickr8kTestPhotos.ExampleId);
        Assert.True(random.Random);
        Assert.Contains("Flickr8k test split", random.Credit);

        var user = examples.Single(e => e.Id == SharedApiFixture.UserExampleId);
        Assert.Equal("My Photo", user.Title);
        Assert.Null(user.Credit);
        Assert.Empty(user.Subjects);
        Assert.False(user.Random);
    }

    [Fact]
    public async Task An_example_is_served_by_id_with_its_bytes_and_type()
    {
        var client = await fixture.ClientAsync();
        using var response = await client.GetAsync("/api/examples/polar-bear", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        byte[] expected = await File.ReadAllBytesAsync(Path.Combine(BuiltInFolder, "polar-bear.jpg"), Ct);
        Assert.Equal(expected, await response.Content.ReadAsByteArrayAsync(Ct));

        using var user = await client.GetAsync($"/api/examples/{SharedApiFixture.UserExampleId}", Ct);
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(fixture.ExamplesFolder, SharedApiFixture.UserExampleFileName), Ct),
            await user.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task The_random_test_photo_is_always_a_test_image_never_a_training_image_and_never_cached()
    {
        var client = await fixture.ClientAsync();
        var served = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < 40; i++)
        {
            using var response = await client.GetAsync($"/api/examples/{Flickr8kTestPhotos.ExampleId}", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
            Assert.True(response.Headers.CacheControl?.NoStore, "another photo on every request: nothing may cache it");
            var disposition = response.Content.Headers.ContentDisposition!;
            Assert.Equal("inline", disposition.DispositionType);
            string name = disposition.FileName!.Trim('"');
            Assert.Contains(name, FakeFlickr8k.Test);
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(fixture.Flickr8kFolder, "images", name), Ct),
                await response.Content.ReadAsByteArrayAsync(Ct));
            served.Add(name);
        }
        Assert.Equal(FakeFlickr8k.Test.Order(), served.Order()); // both test photos came up in 40 draws (each misses with p = 2^-40)
    }
    [Fact]
    public async Task A_test_photos_reference_captions_are_served_by_name_and_no_other_image_has_any()
    {
        var client = await fixture.ClientAsync();
        string name = FakeFlickr8k.Test[1];
        var answer = (await Requests.ReadAsync<TestPhotoReferences>(
            await client.GetAsync($"/api/examples/{Flickr8kTestPhotos.ExampleId}/{name}/references", Ct)))!;
        Assert.Equal(name, answer.Image);
        Assert.Equal(5, answer.References.Count);
        Assert.All(answer.References, r => Assert.Contains(Path.GetFileNameWithoutExtension(name), r));

        foreach (string other in new[] { FakeFlickr8k.Train[0], FakeFlickr8k.Dev[0], "..%2F..%2Fappsettings.json", "nothing.jpg" })
        {
            using var response = await client.GetAsync($"/api/examples/{Flickr8kTestPhotos.ExampleId}/{other}/references", Ct);
            await Requests.ErrorAsync(response, HttpStatusCode.NotFound, ApiErrorCode.NotFound);
        }
    }

    [Theory]
    [InlineData("no-such-example")]
    [InlineData("..%2F..%2Fappsettings.json")]
    [InlineData("..%2Fexamples%2Fchelsea.png")]
    [InlineData("chelsea.png")]
    [InlineData("%2Fetc%2Fpasswd")]
    [InlineData("flickr8k-test%2F..%2F1000_train.jpg")]
    public async Task Anything_but_a_listed_id_is_a_404(string id)
    {
        var client = await fixture.ClientAsync();
        using var response = await client.GetAsync($"/api/examples/{id}", Ct);
        await Requests.ErrorAsync(response, HttpStatusCode.NotFound, ApiErrorCode.NotFound);
    }
}
