using System.Net;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Hosting;
using ImageCaptioning.Web.Tests.Infrastructure;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>An app whose decoder steps read int8 weights (<c>ImageCaptioning:DecoderPrecision</c>).</summary>
public sealed class Int8DecoderFixture : ApiFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
        [new(CaptionAppFactory.Key("DecoderPrecision"), "Int8")];
}

/// <summary>The same test model with float32 step weights: the baseline the int8 server is compared with.</summary>
public sealed class Float32DecoderFixture : ApiFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
        [new(CaptionAppFactory.Key("DecoderPrecision"), "Float32")];
}

/// <summary><c>ImageCaptioning:DecoderPrecision</c> picks the weights the decoder steps read, and <c>/api/model</c> says which.</summary>
public sealed class DecoderPrecisionTests(Int8DecoderFixture int8, Float32DecoderFixture float32)
    : IClassFixture<Int8DecoderFixture>, IClassFixture<Float32DecoderFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_int8_server_says_so_and_captions()
    {
        var client = await int8.ClientAsync();
        using var response = await client.GetAsync("/api/model", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var model = (await Requests.ReadAsync<ModelInfo>(response))!;
        Assert.Equal("Int8", model.WeightPrecision);

        // Proof that the steps really read int8 weights, not just the label: the same model and photo give the same
        // caption as with float32 weights, but a log-probability that differs by the quantisation error (here < 0.5 nats).
        byte[] photo = TestImages.Jpeg(64, 48);
        var quantised = await CaptionAsync(client, photo);
        var exact = await CaptionAsync(await float32.ClientAsync(), photo);
        Assert.Equal(exact.Caption, quantised.Caption);
        double difference = Math.Abs(exact.Alternatives[0].LogProbability - quantised.Alternatives[0].LogProbability);
        Assert.InRange(difference, 1e-4, 0.5);
    }

    private static async Task<CaptionResponse> CaptionAsync(HttpClient client, byte[] photo)
    {
        using var response = await client.PostAsync("/api/caption?beamWidth=3", Requests.Form(photo), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await Requests.ReadAsync<CaptionResponse>(response))!;
    }
}
