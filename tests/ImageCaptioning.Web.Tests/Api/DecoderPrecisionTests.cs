using System.Net;
using ImageCaptioning.Web.Hosting;
using ImageCaptioning.Web.Tests.Infrastructure;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>An app whose decoder steps read int8 weights (<c>ImageCaptioning:DecoderPrecision</c>).</summary>
public sealed class Int8DecoderFixture : ApiFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
        [new(CaptionAppFactory.Key("DecoderPrecision"), "Int8")];
}

/// <summary><c>ImageCaptioning:DecoderPrecision</c> picks the weights the decoder steps read, and <c>/api/model</c> says which.</summary>
public sealed class DecoderPrecisionTests(Int8DecoderFixture fixture) : IClassFixture<Int8DecoderFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_int8_server_says_so_and_captions()
    {
        var client = await fixture.ClientAsync();
        using var response = await client.GetAsync("/api/model", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var model = (await Requests.ReadAsync<ModelInfo>(response))!;
        Assert.Equal("Int8", model.WeightPrecision);

        using var caption = await client.PostAsync("/api/caption?beamWidth=3", Requests.Form(TestImages.Jpeg(64, 48)), Ct);
        Assert.Equal(HttpStatusCode.OK, caption.StatusCode);
    }
}
