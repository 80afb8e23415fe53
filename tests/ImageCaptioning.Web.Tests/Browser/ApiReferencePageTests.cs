using ImageCaptioning.Web.Api;
using Microsoft.Playwright;

namespace ImageCaptioning.Web.Tests.Browser;

/// <summary>
/// The Scalar API reference in headless Chromium: it renders the API from this origin alone under the nonce policy,
/// with no blocked script, style, font or connection.
/// </summary>
public sealed class ApiReferencePageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_reference_renders_the_caption_operation_with_nothing_blocked_and_no_other_origin()
    {
        var browser = await fixture.BrowserAsync();
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        var otherOrigins = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" || message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
                problems.Add(message.Text);
        };
        page.PageError += (_, error) => problems.Add(error);
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(fixture.BaseAddress.ToString(), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal)
                && !request.Url.StartsWith("blob:", StringComparison.Ordinal))
                otherOrigins.Add(request.Url);
        };
        // Violations are also reported as events in the page; collect them from the start.
        await page.AddInitScriptAsync("window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));");

        var response = await page.GotoAsync(new Uri(fixture.BaseAddress, ApiReference.Path.TrimStart('/') + "/").ToString());
        Assert.NotNull(response);
        Assert.Contains("'nonce-", response.Headers["content-security-policy"]);
        // The operation's summary from the OpenAPI document, rendered by Scalar's script.
        await page.GetByText("Captions an image").First.WaitForAsync(new() { Timeout = 30_000 });

        // The one expected report: Scalar bundles Zod, which probes `Function("")` once to choose its JIT and falls back
        // when eval is refused. The policy keeps refusing eval ('unsafe-eval' is not granted); anything else fails.
        var violations = await page.EvaluateAsync<string[]>("window.__csp");
        Assert.All(violations, v => Assert.Equal("script-src eval", v));
        Assert.Empty(problems);
        Assert.Empty(otherOrigins);
    }
}
