using System.Net;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Problems;
using ImageCaptioning.Web.Hosting;
using ImageCaptioning.Web.Tests.Infrastructure;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>Without a trained decoder the app still starts, serves the page and says clearly why it cannot caption.</summary>
public sealed class NoModelTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TemporaryFolder _root = new("web-no-model");
    private CaptionAppFactory _factory = null!;
    private HttpClient _client = null!;

    private string MissingModel => Path.Combine(_root.Path, "models", "flickr8k-mobilenetv2");

    public async ValueTask InitializeAsync()
    {
        _factory = new CaptionAppFactory(new Dictionary<string, string?>
        {
            [CaptionAppFactory.Key("ModelFolder")] = MissingModel,
            [CaptionAppFactory.Key("FlagFolder")] = Path.Combine(_root.Path, "flagged"),
            [CaptionAppFactory.Key("ExamplesFolder")] = null,
        });
        _client = await _factory.StartAsync();
    }

    [Fact]
    public async Task Health_says_no_trained_decoder_was_found_and_where()
    {
        Assert.Equal(ModelState.Unavailable, _factory.Host.State);
        using var response = await _client.GetAsync("/api/health", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var health = (await Requests.ReadAsync<HealthResponse>(response))!;
        Assert.Equal("unavailable", health.Status);
        Assert.Contains($"No trained decoder found at '{MissingModel}'", health.Detail);
    }

    [Fact]
    public async Task Caption_and_model_answer_503_with_the_same_reason()
    {
        using var caption = await _client.PostAsync("/api/caption", Requests.Form(TestImages.Jpeg(32, 32)), Ct);
        var error = await Requests.ErrorAsync(caption, HttpStatusCode.ServiceUnavailable, ApiErrorCode.ModelUnavailable);
        Assert.Contains("No trained decoder found at", error.Detail);
        using var model = await _client.GetAsync("/api/model", Ct);
        await Requests.ErrorAsync(model, HttpStatusCode.ServiceUnavailable, ApiErrorCode.ModelUnavailable);
    }

    [Fact]
    public async Task The_page_and_the_examples_still_work()
    {
        using var page = await _client.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var examples = await _client.GetAsync("/api/examples", Ct);
        Assert.Equal(HttpStatusCode.OK, examples.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        _root.Dispose();
    }
}
