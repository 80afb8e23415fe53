using System.Net;
using ImageCaptioning.Web.Hosting;
using ImageCaptioning.Web.Tests.Infrastructure;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary><c>ImageCaptioning:DecoderPrecision</c> picks the weights the decoder steps read, and <c>/api/model</c> says which.</summary>
public sealed class DecoderPrecisionTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TemporaryFolder _root = new("web-precision");
    private CaptionAppFactory? _factory;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        TestData.ModelsDirectory();                                   // the encoder: skip (or fail in CI) without it
        string modelFolder = Path.Combine(_root.Path, "model");
        TestModelFolder.Write(modelFolder);
        _factory = new CaptionAppFactory(new Dictionary<string, string?>
        {
            [CaptionAppFactory.Key("ModelFolder")] = modelFolder,
            [CaptionAppFactory.Key("FlagFolder")] = Path.Combine(_root.Path, "flagged"),
            [CaptionAppFactory.Key("ExamplesFolder")] = null,
            [CaptionAppFactory.Key("DecoderPrecision")] = "Int8",
        });
        _client = await _factory.StartAsync();
    }

    [Fact]
    public async Task An_int8_server_says_so_and_captions()
    {
        using var response = await _client.GetAsync("/api/model", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var model = (await Requests.ReadAsync<ModelInfo>(response))!;
        Assert.Equal("Int8", model.WeightPrecision);

        using var caption = await _client.PostAsync("/api/caption?beamWidth=3", Requests.Form(TestImages.Jpeg(64, 48)), Ct);
        Assert.Equal(HttpStatusCode.OK, caption.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_factory is not null) await _factory.DisposeAsync();
        _root.Dispose();
    }
}
