using ImageCaptioning.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ImageCaptioning.Web.Tests.Browser;

/// <summary>
/// Guided decoding on the page (headless Chromium): guidance is on by default, the encoder's tags are listed with their
/// probabilities next to the caption, words that came from a tag are marked, and the page stays free of axe violations.
/// </summary>
public sealed class GuidanceDisplayTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const float Timeout = 30_000; // ms

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task The_encoders_tags_and_the_words_from_them_are_shown_accessibly(ColorScheme scheme)
    {
        var browser = await fixture.BrowserAsync();
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ColorScheme = scheme, ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.BaseAddress.ToString());
        await page.Locator("#model-status[data-state='ready']").WaitForAsync(new() { Timeout = Timeout });
        Assert.True(await page.Locator("#guidance").IsCheckedAsync());
        Assert.Contains("guidance=tags", await page.Locator("#curl").TextContentAsync());

        await page.Locator(".example[data-id='chelsea']").ClickAsync(); // a cat the encoder is sure of; an example is captioned at once
        await page.Locator("#caption:not(.placeholder)").WaitForAsync(new() { Timeout = Timeout });

        Assert.True(await page.Locator("#tags-block").IsVisibleAsync());
        var tags = await page.Locator("#tags li").AllTextContentsAsync();
        Assert.Matches(@"^cat \d+% \(", tags[0]);                        // word, probability, the classes behind it
        string note = (await page.Locator("#tags-note").TextContentAsync())!;
        Assert.Contains("cat", note);
        // The caption's text is the caption, whether or not a word is marked; a marked word is one the tag allows.
        var marked = await page.Locator("#caption mark.from-tag").AllTextContentsAsync();
        Assert.All(marked, word => Assert.Contains(word, new[] { "cat", "cats" }));
        if (marked.Count > 0) Assert.Contains("Highlighted in the caption", note);

        Assert.Empty(await Axe.ViolationsAsync(page));

        // Off: no guidance note about a forced word, and the page says the decoder chose alone.
        await page.Locator("#advanced summary").ClickAsync();
        await page.Locator("#guidance").UncheckAsync();
        await page.Locator("#submit").ClickAsync();
        await page.Locator("#tags-note:has-text('Guidance was off')").WaitForAsync(new() { Timeout = Timeout });
        Assert.Equal(0, await page.Locator("#caption mark.from-tag").CountAsync());
    }
}
