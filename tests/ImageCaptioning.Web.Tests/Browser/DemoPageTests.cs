using ImageCaptioning.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ImageCaptioning.Web.Tests.Browser;

/// <summary>The page in headless Chromium, as a person uses it: options → example (captioned at once) → hover a word → flag → Clear.</summary>
public sealed class DemoPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const float Timeout = 30_000; // ms; the first caption also warms the encoder up

    [Fact]
    public async Task Example_submit_hover_and_clear_work_and_a_caption_never_becomes_markup()
    {
        var browser = await fixture.BrowserAsync();
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        var dialogs = new List<string>();
        var consoleErrors = new List<string>();
        page.Dialog += async (_, dialog) => { dialogs.Add(dialog.Message); await dialog.DismissAsync(); };
        page.Console += (_, message) => { if (message.Type == "error") consoleErrors.Add(message.Text); };
        page.PageError += (_, error) => consoleErrors.Add(error);

        await page.GotoAsync(fixture.BaseAddress.ToString());
        await page.Locator("#model-status[data-state='ready']").WaitForAsync(new() { Timeout = Timeout });
        await page.Locator("#model-info:has-text('step weights')").WaitForAsync(new() { Timeout = Timeout });
        Assert.Contains("measured quality (model card): BLEU-", await page.Locator("#model-info").TextContentAsync());

        // Advanced first: a shorter max length, which the "Use via API" command follows.
        await page.Locator("#advanced summary").ClickAsync();
        await page.Locator("#max-length").EvaluateAsync("input => { input.value = '12'; input.dispatchEvent(new Event('input', { bubbles: true })); }");
        Assert.Equal("12", await page.Locator("#max-length-value").TextContentAsync());
        await page.Locator("#guidance").UncheckAsync(); // the test decoder's fixed word chain, unguided (guidance: GuidanceDisplayTests)

        // Click an example: it fills the input and is captioned at once with those settings (progress, then the caption).
        await page.Locator(".example[data-id='chelsea']").ClickAsync();
        await page.Locator("#preview").WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = Timeout });
        Assert.StartsWith("chelsea.png", await page.Locator("#file-name").TextContentAsync());
        string curl = (await page.Locator("#curl").TextContentAsync())!;
        Assert.Contains("maxLength=12", curl);
        Assert.Contains("guidance=off", curl);
        Assert.Contains("-F \"image=@chelsea.png\"", curl);
        Assert.Contains($"{fixture.BaseAddress}api/caption?", curl);
        await page.Locator("#caption:not(.placeholder)").WaitForAsync(new() { Timeout = Timeout });
        Assert.Contains("Chelsea the cat", await page.Locator("#example-credit").TextContentAsync()); // the photo's credit under the caption
        string caption = (await page.Locator("#caption").TextContentAsync())!;
        Assert.False(string.IsNullOrWhiteSpace(caption));
        Assert.True(await page.Locator("#progress").IsHiddenAsync());
        Assert.True(await page.Locator("#error").IsHiddenAsync());
        var words = await page.Locator(".word-chip").AllTextContentsAsync();
        Assert.Equal(TestModelFolder.Chain.Take(12), words); // the max length chosen above; the test decoder never ends early
        Assert.Equal(string.Join(' ', words), caption);
        Assert.Equal(5, await page.Locator("#alternatives tbody tr").CountAsync());   // the default beam width, 5

        // The test vocabulary's markup words are shown as text: no element, no script ran.
        Assert.Contains('<', caption);
        Assert.Equal(0, await page.Locator("#caption *, #words .word-chip *, #alternatives td *").CountAsync());
        Assert.Equal(0, await page.Locator("img[src='x'], b").CountAsync());
        Assert.Empty(dialogs);

        // Hover a word: its attention map is blended over the image.
        string plain = await CanvasPixelsAsync(page);
        await page.Locator(".word-chip").Nth(1).HoverAsync();
        await page.Locator("#attention-canvas[data-overlay]").WaitForAsync(new() { Timeout = Timeout });
        Assert.Equal($"1:{words[1]}", await page.Locator("#attention-canvas").GetAttributeAsync("data-overlay"));
        Assert.NotEqual(plain, await CanvasPixelsAsync(page));
        Assert.Contains("active", await page.Locator(".word-chip").Nth(1).GetAttributeAsync("class"));

        // Flag it with a reason (in the flag dialog): stored server-side with the caption and the options.
        await page.Locator("#flag").ClickAsync();
        await page.Locator("#flag-reason").FillAsync("the cat is not a dog");
        await page.Locator("#flag-send").ClickAsync();
        await page.Locator("#flag-feedback", new() { HasTextString = "Flagged as" }).WaitForAsync(new() { Timeout = Timeout });
        string flagLog = await File.ReadAllTextAsync(Path.Combine(fixture.FlagFolder, "log.csv"), TestContext.Current.CancellationToken);
        Assert.Contains(",12,\"the cat is not a dog\"", flagLog);

        await page.Locator(".api-block summary").ClickAsync(); // show the "Use via API" panel in the screenshot
        await page.Locator(".word-chip").Nth(1).HoverAsync();
        string screenshot = Path.Combine(TestData.RepositoryRoot(), "artifacts", "screenshots", "web-demo.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        TestContext.Current.TestOutputHelper?.WriteLine($"screenshot: {screenshot}");
        Assert.True(new FileInfo(screenshot).Length > 10_000);

        // Clear: everything back to the start, without a request.
        int requestsAfterClear = 0;
        page.Request += (_, _) => requestsAfterClear++;
        await page.Locator("#clear").ClickAsync();
        await page.Locator("#caption.placeholder").WaitForAsync(new() { Timeout = Timeout });
        Assert.True(await page.Locator("#preview").IsHiddenAsync());
        Assert.True(await page.Locator("#example-credit").IsHiddenAsync());
        Assert.Equal(0, await page.Locator(".word-chip").CountAsync());
        Assert.Equal(0, await page.Locator("#alternatives tbody tr").CountAsync());
        Assert.Null(await page.Locator("#attention-canvas").GetAttributeAsync("data-overlay"));
        Assert.Equal("", await page.Locator("#file-name").TextContentAsync());
        Assert.Equal("20", await page.Locator("#max-length-value").TextContentAsync()); // options back to their defaults
        Assert.Equal(0, requestsAfterClear);
        Assert.Empty(consoleErrors); // includes CSP violations, which Chromium reports as console errors
    }

    [Fact]
    public async Task Drop_and_paste_fill_the_input_and_the_caption_downloads_as_text_and_json()
    {
        var browser = await fixture.BrowserAsync();
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.BaseAddress.ToString());
        await page.Locator("#model-status[data-state='ready']").WaitForAsync(new() { Timeout = Timeout });
        string png = Convert.ToBase64String(TestImages.Png(80, 60));

        // Drag and drop: a drop event carrying a file, as the browser sends when a file is dropped on the zone.
        await page.Locator("#drop-zone").EvaluateAsync("""
            (zone, base64) => {
              const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
              const data = new DataTransfer();
              data.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
              zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
            }
            """, png);
        await page.Locator("#file-name", new() { HasTextString = "dropped.png" }).WaitForAsync(new() { Timeout = Timeout });

        // Paste: a paste event whose clipboard holds an image.
        await page.EvaluateAsync("""
            base64 => {
              const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
              const data = new DataTransfer();
              data.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
              document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
            }
            """, png);
        await page.Locator("#file-name", new() { HasTextString = "pasted.png" }).WaitForAsync(new() { Timeout = Timeout });

        await page.Locator("#submit").ClickAsync();
        await page.Locator("#caption:not(.placeholder)").WaitForAsync(new() { Timeout = Timeout });
        string caption = (await page.Locator("#caption").TextContentAsync())!;

        var text = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download-txt").ClickAsync());
        Assert.Equal("caption-pasted.txt", text.SuggestedFilename);
        Assert.Equal(caption + "\n", await File.ReadAllTextAsync((await text.PathAsync())!, TestContext.Current.CancellationToken));

        var json = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download-json").ClickAsync());
        Assert.Equal("caption-pasted.json", json.SuggestedFilename);
        using var document = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync((await json.PathAsync())!, TestContext.Current.CancellationToken));
        Assert.Equal(caption, document.RootElement.GetProperty("caption").GetString());
        Assert.Equal(20, document.RootElement.GetProperty("words").GetArrayLength());
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_shows_a_readable_error_in_the_output_panel()
    {
        var browser = await fixture.BrowserAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(fixture.BaseAddress.ToString());
        await page.Locator("#model-status[data-state='ready']").WaitForAsync(new() { Timeout = Timeout });

        await page.Locator("#file-input").SetInputFilesAsync(new FilePayload
        {
            Name = "notes.jpg", MimeType = "image/jpeg", Buffer = TestImages.RandomBytes(2000),
        });
        await page.Locator("#submit").ClickAsync();
        await page.Locator("#error").WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = Timeout });
        Assert.Equal("The image could not be used", await page.Locator("#error-title").TextContentAsync());
        Assert.Contains("is not an image", await page.Locator("#error-detail").TextContentAsync());
        Assert.True(await page.Locator("#caption").GetAttributeAsync("class") is { } cls && cls.Contains("placeholder"));
        await page.CloseAsync();
    }

    [Fact]
    public async Task Submit_without_an_image_asks_for_one_without_calling_the_server()
    {
        var browser = await fixture.BrowserAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(fixture.BaseAddress.ToString());
        await page.Locator("#model-status[data-state='ready']").WaitForAsync(new() { Timeout = Timeout });
        bool posted = false;
        page.Request += (_, request) => posted |= request.Method == "POST";
        await page.Locator("#submit").ClickAsync();
        await page.Locator("#error").WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = Timeout });
        Assert.Equal("No image yet", await page.Locator("#error-title").TextContentAsync());
        Assert.False(posted);
        await page.CloseAsync();
    }

    private static Task<string> CanvasPixelsAsync(IPage page) =>
        page.EvaluateAsync<string>("() => document.getElementById('attention-canvas').toDataURL()");
}
