using System.Net;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Problems;
using ImageCaptioning.Web.Tests.Infrastructure;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>POST /api/caption through the whole pipeline (real encoder, random test decoder): answers and every error status.</summary>
[Collection(ApiCollection.Name)]
public sealed class CaptionEndpointTests(SharedApiFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Jpeg_in_a_form_gets_a_caption_with_words_attention_alternatives_and_timings()
    {
        var client = await fixture.ClientAsync();
        using var response = await client.PostAsync("/api/caption",
            Requests.Form(TestImages.Jpeg(), fields: [("beamWidth", "3"), ("maxLength", "7"), ("nBest", "3")]), Ct);
        var result = await Requests.CaptionAsync(response);

        // The test decoder follows its word chain and never emits <end>: exactly maxLength words.
        Assert.Equal(TestModelFolder.Chain.Take(7), result.Words.Select(w => w.Text));
        Assert.Equal(string.Join(' ', result.Words.Select(w => w.Text)), result.Caption);
        foreach (var word in result.Words)
        {
            Assert.Equal(7, word.Attention.Length);
            Assert.All(word.Attention, row => Assert.Equal(7, row.Length));
            Assert.All(word.Attention.SelectMany(r => r), w => Assert.InRange(w, 0f, 1f));
            Assert.InRange(word.Attention.SelectMany(r => r).Sum(), 0.99f, 1.01f); // a softmax over the 49 positions (rounded to 4 decimals)
        }
        Assert.Equal(3, result.Alternatives.Count);
        Assert.Equal(result.Caption, result.Alternatives[0].Text);
        Assert.Equal(result.Alternatives.Select(a => a.Score).OrderDescending(), result.Alternatives.Select(a => a.Score));
        Assert.True(result.Timings.EncoderMs > 0 && result.Timings.DecoderMs > 0, "stage timings are measured");
        Assert.True(result.Timings.ServerMs >= result.Timings.CaptionMs);
        Assert.Equal("model", result.Model.Name); // the folder's name
        Assert.Equal("mobilenetv2-12-int8", result.Model.Encoder);
        Assert.Equal(TestModelFolder.VocabularySize, result.Model.VocabularySize);
        Assert.Equal(new DecodingSummary(3, 7, 3), result.Options);
        Assert.NotEmpty(result.Classes);
    }

    [Fact]
    public async Task Png_as_the_raw_body_with_options_in_the_query_is_captioned_greedily()
    {
        var client = await fixture.ClientAsync();
        using var response = await client.PostAsync("/api/caption?beamWidth=1&maxLength=5", Requests.Raw(TestImages.Png(), "image/png"), Ct);
        var result = await Requests.CaptionAsync(response);
        Assert.Equal(5, result.Words.Count);
        Assert.Single(result.Alternatives);
        Assert.Equal(new DecodingSummary(1, 5, 1), result.Options);
    }

    [Fact]
    public async Task The_attention_depends_on_the_image_and_repeats_for_the_same_image()
    {
        var client = await fixture.ClientAsync();
        byte[] image = TestImages.Jpeg();
        using var first = await client.PostAsync("/api/caption", Requests.Raw(image, "image/jpeg"), Ct);
        using var again = await client.PostAsync("/api/caption", Requests.Form(image), Ct);
        using var other = await client.PostAsync("/api/caption", Requests.Raw(TestImages.Png(), "image/png"), Ct);
        static float[] Maps(CaptionResponse r) => [.. r.Words.SelectMany(w => w.Attention.SelectMany(row => row))];
        var a = await Requests.CaptionAsync(first);
        Assert.Equal(Maps(a), Maps(await Requests.CaptionAsync(again)));
        Assert.NotEqual(Maps(a), Maps(await Requests.CaptionAsync(other)));
    }

    [Fact]
    public async Task Caption_text_is_escaped_in_the_json_so_it_can_never_be_markup()
    {
        var client = await fixture.ClientAsync();
        using var response = await client.PostAsync("/api/caption?maxLength=30", Requests.Raw(TestImages.Jpeg(), "image/jpeg"), Ct);
        string raw = await response.Content.ReadAsStringAsync(Ct);
        var result = await Requests.CaptionAsync(response);

        // Precondition: the test vocabulary's markup words are in this caption (they are favoured by the output bias).
        Assert.Contains(result.Words, w => TestModelFolder.MarkupWords.Contains(w.Text));
        Assert.Contains('<', result.Caption);
        // …yet the bytes on the wire hold no raw < > & ' characters: they travel as \u003C and friends.
        Assert.DoesNotContain('<', raw);
        Assert.DoesNotContain('>', raw);
        Assert.DoesNotContain('&', raw);
    }

    [Theory]
    [InlineData("beamWidth", "0")]
    [InlineData("beamWidth", "11")]
    [InlineData("beamWidth", "three")]
    [InlineData("maxLength", "51")]
    [InlineData("maxLength", "-2")]
    [InlineData("nBest", "1.5")]
    public async Task An_option_out_of_range_is_a_400_naming_it(string option, string value)
    {
        var client = await fixture.ClientAsync();
        using var response = await client.PostAsync($"/api/caption?{option}={Uri.EscapeDataString(value)}", Requests.Raw(TestImages.Jpeg(), "image/jpeg"), Ct);
        var error = await Requests.ErrorAsync(response, HttpStatusCode.BadRequest, ApiErrorCode.InvalidOption);
        Assert.Contains(option, error.Detail);
    }

    [Fact]
    public async Task An_empty_body_is_a_400()
    {
        var client = await fixture.ClientAsync();
        using var raw = await client.PostAsync("/api/caption", Requests.Raw([], "image/jpeg"), Ct);
        await Requests.ErrorAsync(raw, HttpStatusCode.BadRequest, ApiErrorCode.Empty);
        using var form = await client.PostAsync("/api/caption", Requests.Form([]), Ct);
        await Requests.ErrorAsync(form, HttpStatusCode.BadRequest, ApiErrorCode.Empty);
    }

    [Fact]
    public async Task A_form_without_a_file_is_a_400()
    {
        var client = await fixture.ClientAsync();
        var form = new MultipartFormDataContent { { new StringContent("3"), "beamWidth" } };
        using var response = await client.PostAsync("/api/caption", form, Ct);
        await Requests.ErrorAsync(response, HttpStatusCode.BadRequest, ApiErrorCode.BadRequest);
    }

    [Fact]
    public async Task Random_bytes_are_a_400_not_an_image()
    {
        var client = await fixture.ClientAsync();
        using var response = await client.PostAsync("/api/caption", Requests.Form(TestImages.RandomBytes(5000)), Ct);
        await Requests.ErrorAsync(response, HttpStatusCode.BadRequest, ApiErrorCode.NotAnImage);
    }

    [Fact]
    public async Task A_truncated_jpeg_is_a_400_corrupt()
    {
        var client = await fixture.ClientAsync();
        using var response = await client.PostAsync("/api/caption", Requests.Raw(TestImages.TruncatedJpeg(), "image/jpeg"), Ct);
        var error = await Requests.ErrorAsync(response, HttpStatusCode.BadRequest, ApiErrorCode.Corrupt);
        Assert.Contains("truncated", error.Detail);
    }

    [Theory]
    [InlineData(100_000, 100_000)] // longer side than allowed
    [InlineData(8_000, 8_000)]     // 64 MP: each side is fine, the pixel count is not
    public async Task A_png_claiming_huge_dimensions_is_a_413_from_its_header(int width, int height)
    {
        var client = await fixture.ClientAsync();
        // Only 33 bytes: if the server tried to decode them it would answer 400 (corrupt), not 413.
        using var response = await client.PostAsync("/api/caption", Requests.Raw(TestImages.HugePngHeader(width, height), "image/png"), Ct);
        var error = await Requests.ErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, ApiErrorCode.TooLarge);
        Assert.Contains($"{width}×{height}", error.Detail);
    }

    [Fact]
    public async Task A_tiff_is_a_415_unsupported_format()
    {
        var client = await fixture.ClientAsync();
        using var response = await client.PostAsync("/api/caption", Requests.Form(TestImages.TiffHeader(), "scan.tif", "image/tiff"), Ct);
        var error = await Requests.ErrorAsync(response, HttpStatusCode.UnsupportedMediaType, ApiErrorCode.UnsupportedFormat);
        Assert.Contains("TIFF", error.Detail);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task A_content_type_that_cannot_carry_an_image_is_a_415(string contentType)
    {
        var client = await fixture.ClientAsync();
        using var response = await client.PostAsync("/api/caption", Requests.Raw(TestImages.Jpeg(), contentType), Ct);
        await Requests.ErrorAsync(response, HttpStatusCode.UnsupportedMediaType, ApiErrorCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_body_one_byte_over_the_limit_is_a_413()
    {
        var client = await fixture.ClientAsync();
        var body = new byte[10 * 1024 * 1024 + 1];
        TestImages.Jpeg().CopyTo(body, 0); // a real JPEG start: the size, not the content, must be what is refused
        using var raw = await client.PostAsync("/api/caption", Requests.Raw(body, "image/jpeg"), Ct);
        var rawError = await Requests.ErrorAsync(raw, HttpStatusCode.RequestEntityTooLarge, ApiErrorCode.TooLarge);
        Assert.StartsWith($"The upload is {body.Length:N0} bytes; at most {body.Length - 1:N0} bytes", rawError.Detail);
        using var form = await client.PostAsync("/api/caption", Requests.Form(body), Ct);
        var formError = await Requests.ErrorAsync(form, HttpStatusCode.RequestEntityTooLarge, ApiErrorCode.TooLarge);
        // The multipart reader stops at the limit, so it knows only "more than the limit", never a made-up size.
        Assert.StartsWith($"The upload is more than {body.Length - 1:N0} bytes; at most {body.Length - 1:N0} bytes", formError.Detail);
    }

    [Fact]
    public async Task A_body_announced_far_over_the_limit_is_refused_before_it_is_read()
    {
        var client = await fixture.ClientAsync();
        // The content claims 200 MB but never delivers them: only the Content-Length check can answer in time.
        var content = new StreamContent(new EndlessStream());
        content.Headers.ContentType = new("image/jpeg");
        content.Headers.ContentLength = 200L * 1024 * 1024;
        using var response = await client.PostAsync("/api/caption", content, Ct);
        await Requests.ErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, ApiErrorCode.TooLarge);
    }

    [Fact]
    public async Task Get_is_not_allowed_on_the_caption_endpoint()
    {
        var client = await fixture.ClientAsync();
        using var response = await client.GetAsync("/api/caption", Ct);
        await Requests.ErrorAsync(response, HttpStatusCode.MethodNotAllowed, ApiErrorCode.MethodNotAllowed);
    }

    /// <summary>A body that yields zeros for ever (reading it would never end).</summary>
    private sealed class EndlessStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) { Array.Clear(buffer, offset, count); return count; }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
