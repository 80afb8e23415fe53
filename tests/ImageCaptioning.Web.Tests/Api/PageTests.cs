using System.Net;
using System.Text.RegularExpressions;
using ImageCaptioning.Decoding;
using ImageCaptioning.Web.Security;
using ImageCaptioning.Web.Tests.Infrastructure;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>
/// The page's files and the security headers. The page is served whether or not a model or encoder is there, so this app
/// has neither and the tests do not wait for one to load.
/// </summary>
public sealed partial class PageTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TemporaryFolder _root = new("web-page");
    private readonly CaptionAppFactory _factory;
    private readonly HttpClient _client;

    public PageTests()
    {
        _factory = new CaptionAppFactory(new Dictionary<string, string?>
        {
            [CaptionAppFactory.Key("ModelFolder")] = Path.Combine(_root.Path, "no-model"),
            [CaptionAppFactory.Key("FlagFolder")] = Path.Combine(_root.Path, "flagged"),
            [CaptionAppFactory.Key("ExamplesFolder")] = null,
        });
        _client = _factory.CreateClient(new() { BaseAddress = new Uri("http://127.0.0.1"), AllowAutoRedirect = false });
    }

    [Fact]
    public async Task The_page_is_served_with_a_strict_content_security_policy()
    {
        using var response = await _client.GetAsync("/", Ct);
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
        using var response = await _client.PostAsync("/api/caption", Requests.Raw([], "image/png"), Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode); // this app has no model
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task The_page_has_no_inline_script_no_inline_handler_and_nothing_from_another_origin()
    {
        string html = await _client.GetStringAsync("/", Ct);
        foreach (Match script in ScriptTag().Matches(html))
            Assert.Matches("src=\"[^\"]+\"", script.Value); // every script is a file
        Assert.DoesNotMatch(InlineHandler(), html);
        Assert.DoesNotMatch(@"(src|href)=""(https?:)?//", html); // no CDN: the page works offline
        Assert.DoesNotContain("style=", html);
        foreach (string file in new[] { "/app.css", "/js/app.js", "/js/api.js", "/js/attention.js", "/js/downloads.js", "/favicon.svg" })
        {
            using var response = await _client.GetAsync(file, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{file}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task The_scripts_never_put_text_into_the_page_as_html()
    {
        foreach (string file in new[] { "/js/app.js", "/js/api.js", "/js/attention.js", "/js/downloads.js" })
        {
            string script = await _client.GetStringAsync(file, Ct);
            Assert.DoesNotContain("innerHTML", script);
            Assert.DoesNotContain("outerHTML", script);
            Assert.DoesNotContain("insertAdjacentHTML", script);
            Assert.DoesNotContain("document.write", script);
        }
    }

    [Fact]
    public async Task The_beam_slider_starts_at_the_default_beam_and_says_so()
    {
        string html = await _client.GetStringAsync("/", Ct);
        string beam = DecodingOptions.Default.BeamWidth.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(beam, BeamSliderValue().Match(html).Groups[1].Value);
        Assert.Equal(beam, BeamSliderLabel().Match(html).Groups[1].Value);
    }

    [GeneratedRegex(@"<input id=""beam-width""[^>]*\svalue=""(\d+)""")]
    private static partial Regex BeamSliderValue();

    [GeneratedRegex(@"<span id=""beam-width-value""[^>]*>(\d+)<")]
    private static partial Regex BeamSliderLabel();

    [GeneratedRegex("<script[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex(@"\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineHandler();

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        _root.Dispose();
    }
}
