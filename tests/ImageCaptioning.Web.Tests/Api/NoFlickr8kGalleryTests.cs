using System.Net;
using ImageCaptioning.Web.Examples;
using ImageCaptioning.Web.Problems;
using ImageCaptioning.Web.Tests.Infrastructure;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>An app started without Flickr8k.</summary>
public sealed class NoFlickr8kFixture : ApiFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
        [new(CaptionAppFactory.Key("Flickr8kFolder"), null)];
}

/// <summary>Without Flickr8k the gallery has no random test photo, and asking for it says what is missing.</summary>
public sealed class NoFlickr8kGalleryTests(NoFlickr8kFixture fixture) : IClassFixture<NoFlickr8kFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_random_test_photo_is_not_listed_and_asking_for_it_names_the_missing_setting()
    {
        var client = await fixture.ClientAsync();
        var examples = (await Requests.ReadAsync<List<ExampleImage>>(await client.GetAsync("/api/examples", Ct)))!;
        Assert.NotEmpty(examples);
        Assert.DoesNotContain(examples, e => e.Random || e.Id == Flickr8kTestPhotos.ExampleId);

        using var response = await client.GetAsync($"/api/examples/{Flickr8kTestPhotos.ExampleId}", Ct);
        var problem = await Requests.ErrorAsync(response, HttpStatusCode.NotFound, ApiErrorCode.NotFound);
        Assert.Contains("IMAGECAPTIONING_FLICKR8K_DIR", problem.Detail);
    }
}
