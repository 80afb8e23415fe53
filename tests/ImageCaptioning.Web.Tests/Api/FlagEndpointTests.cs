using System.Net;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Problems;
using ImageCaptioning.Web.Flagging;
using ImageCaptioning.Web.Tests.Infrastructure;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>POST /api/flag: image + caption + options + reason into the flag folder, with server-made names.</summary>
[Collection(ApiCollection.Name)]
public sealed class FlagEndpointTests(SharedApiFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string LogPath => Path.Combine(fixture.FlagFolder, FlagStore.LogFileName);

    private string[] LogLines() => File.Exists(LogPath) ? File.ReadAllLines(LogPath) : [];

    [Fact]
    public async Task A_flag_stores_the_image_under_a_server_name_and_appends_a_csv_row()
    {
        var client = await fixture.ClientAsync();
        byte[] image = TestImages.Jpeg(64, 64);
        int before = LogLines().Length;
        using var response = await client.PostAsync("/api/flag", Requests.Form(image, "../../evil name.jpg", "image/jpeg",
            ("caption", "a dog, \"running\""), ("beamWidth", "5"), ("maxLength", "12"), ("reason", "wrong animal\nreally")), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var receipt = (await Requests.ReadAsync<FlagReceipt>(response))!;

        Assert.Matches(@"^images/\d{8}T\d{6}Z-[0-9a-f]{8}\.jpg$", receipt.ImageFile); // the client's file name is not used
        Assert.Equal(image, await File.ReadAllBytesAsync(Path.Combine(fixture.FlagFolder, receipt.ImageFile), Ct));
        string[] lines = LogLines();
        Assert.Equal("time_utc,image_file,caption,beam_width,max_length,reason", lines[0]);
        Assert.Equal(Math.Max(before, 1) + 1, lines.Length);
        Assert.EndsWith($",{receipt.ImageFile},\"a dog, \"\"running\"\"\",5,12,\"wrong animal really\"", lines[^1]);
    }

    [Fact]
    public async Task A_caption_that_looks_like_a_formula_is_stored_as_text()
    {
        var client = await fixture.ClientAsync();
        using var response = await client.PostAsync("/api/flag", Requests.Form(TestImages.Png(32, 32), "x.png", "image/png",
            ("caption", "=HYPERLINK(\"http://example.invalid\")")), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains(",\"'=HYPERLINK(\"\"http://example.invalid\"\")\",", LogLines()[^1]);
    }

    [Theory]
    [InlineData("=1+1")]
    [InlineData("+cmd")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1)")]
    public async Task Every_formula_prefix_in_caption_and_reason_is_neutralised(string formula)
    {
        var client = await fixture.ClientAsync();
        using var response = await client.PostAsync("/api/flag", Requests.Form(TestImages.Png(32, 32), "x.png", "image/png",
            ("caption", formula), ("reason", formula)), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        string[] fields = LogLines()[^1].Split(',');
        Assert.Equal("'" + formula, fields[2].Trim('"'));
        Assert.Equal("'" + formula, fields[^1].Trim('"'));
    }

    [Theory]
    [InlineData("beamWidth", "100000")]
    [InlineData("beamWidth", "0")]
    [InlineData("beamWidth", "-5")]
    [InlineData("maxLength", "51")]
    [InlineData("maxLength", "=1+1")]
    public async Task An_option_outside_the_range_the_caption_api_accepts_is_a_400_and_stores_nothing(string name, string value)
    {
        var client = await fixture.ClientAsync();
        int before = LogLines().Length;
        using var response = await client.PostAsync("/api/flag", Requests.Form(TestImages.Png(32, 32), "x.png", "image/png",
            ("caption", "x"), (name, value)), Ct);
        var error = await Requests.ErrorAsync(response, HttpStatusCode.BadRequest, ApiErrorCode.InvalidOption);
        Assert.Contains(name, error.Detail);
        Assert.Equal(before, LogLines().Length);
    }

    [Fact]
    public async Task A_flag_from_another_site_is_refused_and_nothing_is_written()
    {
        var client = await fixture.ClientAsync();
        int before = LogLines().Length;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/flag") { Content = Requests.Form(TestImages.Jpeg(32, 32), fields: [("caption", "x")]) };
        request.Headers.Add("Origin", "http://evil.example");
        using var response = await client.SendAsync(request, Ct);
        await Requests.ErrorAsync(response, HttpStatusCode.Forbidden, ApiErrorCode.Forbidden);
        Assert.Equal(before, LogLines().Length);

        using var sameOrigin = new HttpRequestMessage(HttpMethod.Post, "/api/flag") { Content = Requests.Form(TestImages.Jpeg(32, 32), fields: [("caption", "x")]) };
        sameOrigin.Headers.Add("Origin", "http://127.0.0.1");
        using var accepted = await client.SendAsync(sameOrigin, Ct);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    [Fact]
    public async Task Flagging_something_that_is_not_an_image_is_a_400_and_stores_nothing()
    {
        var client = await fixture.ClientAsync();
        int before = LogLines().Length;
        using var response = await client.PostAsync("/api/flag", Requests.Form(TestImages.RandomBytes(300), fields: [("caption", "x")]), Ct);
        await Requests.ErrorAsync(response, HttpStatusCode.BadRequest, ApiErrorCode.NotAnImage);
        Assert.Equal(before, LogLines().Length);
    }
}
