using System.Net;
using System.Text.Json;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Problems;
using ImageCaptioning.Web.Hosting;
using ImageCaptioning.Web.Tests.Infrastructure;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>Health, model description, OpenAPI document and unknown API paths (the page itself: <see cref="PageTests"/>).</summary>
[Collection(ApiCollection.Name)]
public sealed class StatusAndPageTests(SharedApiFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_is_ready_and_reports_the_limits()
    {
        var client = await fixture.ClientAsync();
        using var response = await client.GetAsync("/api/health", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var health = (await Requests.ReadAsync<HealthResponse>(response))!;
        Assert.Equal("ready", health.Status);
        Assert.Equal(Path.GetFullPath(fixture.ModelFolder), health.ModelFolder);
        Assert.Equal(new RequestLimits(10 * 1024 * 1024, 40_000_000, 10, 50), health.Limits);
    }

    [Fact]
    public async Task Model_describes_the_decoder_and_the_quality_from_its_card()
    {
        var client = await fixture.ClientAsync();
        using var response = await client.GetAsync("/api/model", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var model = (await Requests.ReadAsync<ModelInfo>(response))!;
        Assert.Equal("model", model.Name);
        Assert.Equal("mobilenetv2-12-int8", model.Encoder);
        Assert.Equal(new DecoderSizes(49, 1280, 32, 16, 32, 32), model.Decoder);
        Assert.Equal(TestModelFolder.VocabularySize, model.VocabularySize);
        Assert.True(model.Parameters > 40_000, "the parameter count includes the 1280→32 feature projection");
        Assert.Equal("Test decoder (random weights)", model.CardTitle);
        Assert.Equal(TestModelFolder.CardBleu4, model.Quality["BLEU-4"]);
        Assert.Equal(TestModelFolder.CardCiderD, model.Quality["CIDEr-D"]);
    }

    [Fact]
    public async Task The_openapi_document_lists_every_endpoint()
    {
        var client = await fixture.ClientAsync();
        using var response = await client.GetAsync("/openapi/v1.json", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Superset(new HashSet<string> { "/api/caption", "/api/health", "/api/model", "/api/examples", "/api/examples/{id}", "/api/flag" }, paths.ToHashSet());
        var caption = document.RootElement.GetProperty("paths").GetProperty("/api/caption").GetProperty("post");
        var statuses = caption.GetProperty("responses").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "200", "400", "413", "415", "503" }, statuses);
    }

    [Fact]
    public async Task An_unknown_api_path_is_a_json_404()
    {
        var client = await fixture.ClientAsync();
        using var response = await client.GetAsync("/api/no-such-thing", Ct);
        await Requests.ErrorAsync(response, HttpStatusCode.NotFound, ApiErrorCode.NotFound);
    }
}
