using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Hosting;
using ImageCaptioning.Web.Security;
using ImageCaptioning.Web.Tests.Infrastructure;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>Health, model description, OpenAPI document, the page's files and the security headers.</summary>
[Collection(ApiCollection.Name)]
public sealed partial class StatusAndPageTests(SharedApiFixture fixture)
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
    public async Task The_page_is_served_with_a_strict_content_security_policy()
    {
        var client = await fixture.ClientAsync();
        using var response = await client.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, string.Join("", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Contains("script-src 'self'", SecurityHeaders.ContentSecurityPolicy);
        Assert.DoesNotContain("unsafe-inline", SecurityHeaders.ContentSecurityPolicy);
        Assert.Equal("nosniff", string.Join("", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", string.Join("", response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task Api_errors_carry_the_security_headers_too()
    {
        var client = await fixture.ClientAsync();
        using var response = await client.PostAsync("/api/caption", Requests.Raw([], "image/png"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(response.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task The_page_has_no_inline_script_no_inline_handler_and_nothing_from_another_origin()
    {
        var client = await fixture.ClientAsync();
        string html = await client.GetStringAsync("/", Ct);
        foreach (Match script in ScriptTag().Matches(html))
            Assert.Matches("src=\"[^\"]+\"", script.Value); // every script is a file
        Assert.DoesNotMatch(InlineHandler(), html);
        Assert.DoesNotMatch(@"(src|href)=""(https?:)?//", html); // no CDN: the page works offline
        Assert.DoesNotContain("style=", html);
        foreach (string file in new[] { "/app.css", "/js/app.js", "/js/api.js", "/js/attention.js", "/js/downloads.js", "/favicon.svg" })
        {
            using var response = await client.GetAsync(file, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{file}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task The_scripts_never_put_text_into_the_page_as_html()
    {
        var client = await fixture.ClientAsync();
        foreach (string file in new[] { "/js/app.js", "/js/api.js", "/js/attention.js", "/js/downloads.js" })
        {
            string script = await client.GetStringAsync(file, Ct);
            Assert.DoesNotContain("innerHTML", script);
            Assert.DoesNotContain("outerHTML", script);
            Assert.DoesNotContain("insertAdjacentHTML", script);
            Assert.DoesNotContain("document.write", script);
        }
    }

    [Fact]
    public async Task An_unknown_api_path_is_a_json_404()
    {
        var client = await fixture.ClientAsync();
        using var response = await client.GetAsync("/api/no-such-thing", Ct);
        await Requests.ErrorAsync(response, HttpStatusCode.NotFound, ApiErrorCodes.NotFound);
    }

    [GeneratedRegex("<script[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex(@"\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineHandler();
}
