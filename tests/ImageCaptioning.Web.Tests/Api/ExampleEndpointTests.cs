using System.Net;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Problems;
using ImageCaptioning.Web.Examples;
using ImageCaptioning.Web.Tests.Infrastructure;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>The example gallery: built-in photos with credits, a user folder, lookups by id only.</summary>
[Collection(ApiCollection.Name)]
public sealed class ExampleEndpointTests(SharedApiFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_gallery_lists_the_built_in_photos_with_credits_then_the_new_user_photo()
    {
        var client = await fixture.ClientAsync();
        var examples = (await Requests.ReadAsync<List<ExampleImage>>(await client.GetAsync("/api/examples", Ct)))!;
        Assert.Equal(["astronaut", "chelsea", "coffee", "rocket", SharedApiFixture.UserExampleId], examples.Select(e => e.Id));
        var cat = examples.Single(e => e.Id == "chelsea");
        Assert.Equal("Chelsea the cat", cat.Title);
        Assert.Contains("CC0", cat.Credit);
        Assert.Equal("image/png", cat.ContentType);
        var user = examples.Single(e => e.Id == SharedApiFixture.UserExampleId);
        Assert.Equal("My Photo", user.Title);
        Assert.Null(user.Credit);
    }

    [Fact]
    public async Task An_example_is_served_by_id_with_its_bytes_and_type()
    {
        var client = await fixture.ClientAsync();
        using var response = await client.GetAsync("/api/examples/rocket", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        byte[] expected = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "wwwroot", "examples", "rocket.jpg"), Ct);
        Assert.Equal(expected, await response.Content.ReadAsByteArrayAsync(Ct));

        using var user = await client.GetAsync($"/api/examples/{SharedApiFixture.UserExampleId}", Ct);
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(fixture.ExamplesFolder, SharedApiFixture.UserExampleFileName), Ct),
            await user.Content.ReadAsByteArrayAsync(Ct));
    }

    [Theory]
    [InlineData("no-such-example")]
    [InlineData("..%2F..%2Fappsettings.json")]
    [InlineData("..%2Fexamples%2Fchelsea.png")]
    [InlineData("chelsea.png")]
    [InlineData("%2Fetc%2Fpasswd")]
    public async Task Anything_but_a_listed_id_is_a_404(string id)
    {
        var client = await fixture.ClientAsync();
        using var response = await client.GetAsync($"/api/examples/{id}", Ct);
        await Requests.ErrorAsync(response, HttpStatusCode.NotFound, ApiErrorCodes.NotFound);
    }
}
