using System.Text.Json;
using System.Text.Json.Nodes;
using ImageCaptioning.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ImageCaptioning.Web.Tests.Browser;

/// <summary>
/// The page for people who use a keyboard, a screen reader, dark mode, less motion or a small screen: axe on every
/// state in both colour schemes, the whole Submit flow by keyboard (a Submit that fails to start says so and works
/// again), the one live region, alt text as an output, the absolute attention scale, the out-of-distribution note,
/// and no horizontal scroll at 360 px and at 200 % zoom.
/// </summary>
public sealed class AccessibilityTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const float Timeout = 30_000; // ms; the first caption also warms the encoder up

    /// <summary>Everything that can speak to a screen reader by itself: exactly one such region is allowed on the page.</summary>
    private const string LiveRegions = "[aria-live], [role=status], [role=alert], [role=log], [role=marquee], [role=timer], output";

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task Every_page_state_has_zero_axe_violations(ColorScheme scheme)
    {
        await using var context = await NewContextAsync(new() { ColorScheme = scheme, ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await OpenAsync(context);
        var trace = await PageTrace.StartAsync(page);
        var results = new List<(string State, IReadOnlyList<string> Violations, IReadOnlyList<string> Incomplete)>();
        async Task Check(string state)
        {
            var (violations, incomplete) = await Axe.RunAsync(page);
            results.Add((state, violations, incomplete));
        }

        await Check("empty");

        await LoadImageAsync(page, "photo.png");
        await Check("image loaded");

        // Captioning: the request is held until axe has looked at the busy page.
        using var caption = new HeldRequest();
        await page.RouteAsync("**/api/caption", caption.HoldAsync);
        await page.Locator("#submit").ClickAsync();
        await caption.ReachedAsync(trace);
        var busy = await BusyStateAsync(page);
        Assert.Equal(("true", "true", true), (busy.OutputBusy, busy.SubmitAriaDisabled, busy.ProgressShown));
        await Check("captioning");
        caption.Release();
        await page.Locator("#caption:not(.placeholder)").WaitForAsync(new() { Timeout = Timeout });
        await page.UnrouteAsync("**/api/caption");

        await page.Locator(".word-chip").Nth(1).FocusAsync();
        await page.Locator("#attention-canvas[data-overlay]").WaitForAsync(new() { Timeout = Timeout });
        await Check("captioned, attention shown");
        await ScreenshotAsync(page, $"web-demo-{scheme.ToString().ToLowerInvariant()}.png");

        await page.Locator("#flag").ClickAsync();
        await page.Locator("#flag-dialog[open]").WaitForAsync(new() { Timeout = Timeout });
        await Check("flag dialog");
        await page.Keyboard.PressAsync("Escape");
        await page.Locator("#flag-dialog:not([open])").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = Timeout });

        await page.Locator("#api-panel summary").ClickAsync();
        await page.Locator("#curl").WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = Timeout });
        await Check("API panel");

        await page.Locator("#file-input").SetInputFilesAsync(new FilePayload { Name = "notes.jpg", MimeType = "image/jpeg", Buffer = TestImages.RandomBytes(2000) });
        await page.Locator("#submit").ClickAsync();
        await page.Locator("#error").WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = Timeout });
        await Check("error");

        foreach (var (state, violations, incomplete) in results)
            TestContext.Current.TestOutputHelper?.WriteLine($"axe, {scheme}, {state}: {violations.Count} violations{(violations.Count > 0 ? ": " + string.Join("; ", violations) : "")}"
                + $"; to review by hand (incomplete): {(incomplete.Count > 0 ? string.Join(", ", incomplete) : "none")}");
        Assert.All(results, r => Assert.True(r.Violations.Count == 0, $"{scheme} / {r.State}: {string.Join("\n", r.Violations)}"));
    }

    [Fact]
    public async Task The_whole_submit_flow_works_with_the_keyboard_only()
    {
        await using var context = await NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await OpenAsync(context);
        var trace = await PageTrace.StartAsync(page);
        var keyboard = page.Keyboard;
        // Playwright turns on file-chooser interception without waiting for a reply; subscribing before the first
        // key press (and the awaited round trips after it) makes sure it is on before Enter opens the dialog.
        var chooserOpened = new TaskCompletionSource<IFileChooser>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnFileChooser(object? sender, IFileChooser c) => chooserOpened.TrySetResult(c);
        page.FileChooser += OnFileChooser;

        // The first tab stop chooses a file; the file chooser is the browser's own dialog.
        await keyboard.PressAsync("Tab");
        Assert.Equal("choose-file", await FocusedIdAsync(page));
        await keyboard.PressAsync("Enter");
        var chooser = await chooserOpened.Task.WaitAsync(TimeSpan.FromMilliseconds(Timeout), TestContext.Current.CancellationToken);
        page.FileChooser -= OnFileChooser;
        await chooser.SetFilesAsync(new FilePayload { Name = "photo.png", MimeType = "image/png", Buffer = TestImages.Png() });
        await page.Locator("#preview").WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = Timeout });
        Assert.Equal("choose-file", await FocusedIdAsync(page)); // the button stays, so focus does not fall to the page
        Assert.Equal("photo.png, not captioned yet", await page.Locator("#preview").GetAttributeAsync("alt"));

        // Then, in reading order: remove, Advanced, Clear, Submit.
        string[] order = ["remove-image", "advanced-summary", "clear", "submit"];
        foreach (string expected in order)
        {
            await keyboard.PressAsync("Tab");
            Assert.Equal(expected, await FocusedIdAsync(page));
        }

        // Enter on Submit: while its request is on the way the page is busy and Submit keeps the focus (aria-disabled,
        // never disabled). Read once the request is known to be held, all in one look, not one after another.
        using var request = new HeldRequest();
        trace.Step("routing **/api/caption");
        await page.RouteAsync("**/api/caption", request.HoldAsync);
        trace.Step("Enter on Submit");
        await keyboard.PressAsync("Enter");
        trace.Step("Enter pressed");
        await request.ReachedAsync(trace);
        Assert.Equal(new BusyState("true", "true", "submit", true), await BusyStateAsync(page));
        request.Release();
        await page.Locator("#caption:not(.placeholder)").WaitForAsync(new() { Timeout = Timeout });
        await page.UnrouteAsync("**/api/caption");
        string caption = (await page.Locator("#caption").TextContentAsync())!;

        Assert.Equal("false", await page.Locator("#output-column").GetAttributeAsync("aria-busy"));
        Assert.Equal("submit", await FocusedIdAsync(page));
        await page.Locator("#announcer", new() { HasTextString = caption }).WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = Timeout });
        Assert.Equal($"Caption: {caption}", await page.Locator("#announcer").TextContentAsync());
        Assert.Equal(caption, await page.Locator("#preview").GetAttributeAsync("alt")); // the caption became the alt text

        // Tab on to the word toolbar: one tab stop, and focus is never on the page body on the way.
        for (int presses = 0; await FocusedWordAsync(page) < 0; presses++)
        {
            Assert.True(presses < 30, "the word toolbar was not reached with Tab");
            await keyboard.PressAsync("Tab");
            Assert.NotEqual("", await FocusedIdOrTagAsync(page));
        }
        var words = await page.Locator(".word-chip").AllTextContentsAsync();
        Assert.Equal(0, await FocusedWordAsync(page));
        Assert.Equal(1, await page.Locator(".word-chip[tabindex='0']").CountAsync());

        // Arrow keys move between words and show each one's map and its description in words.
        await keyboard.PressAsync("ArrowRight");
        Assert.Equal(1, await FocusedWordAsync(page));
        Assert.Equal($"1:{words[1]}", await page.Locator("#attention-canvas").GetAttributeAsync("data-overlay"));
        string description = (await page.Locator("#attention-description").TextContentAsync())!;
        Assert.Matches(@"^“.+” \(word 2 of \d+\): looked at the (the whole image, evenly|(upper|middle|lower) (left|centre|right)|centre), (flat|weak|moderate|strong) \(peak \d+\.\d× uniform\)\.$", description);
        string? describedBy = await page.Locator(".word-chip").Nth(1).GetAttributeAsync("aria-describedby");
        Assert.StartsWith("Looked at the ", await page.Locator($"#{describedBy}").TextContentAsync());
        await keyboard.PressAsync("End");
        Assert.Equal(words.Count - 1, await FocusedWordAsync(page));
        await keyboard.PressAsync("ArrowRight"); // wraps around
        Assert.Equal(0, await FocusedWordAsync(page));
        await keyboard.PressAsync("ArrowLeft");
        Assert.Equal(words.Count - 1, await FocusedWordAsync(page));
        await keyboard.PressAsync("Home");
        await keyboard.PressAsync("ArrowRight");
        await keyboard.PressAsync("Enter"); // pins the word
        Assert.Equal("true", await page.Locator(".word-chip").Nth(1).GetAttributeAsync("aria-pressed"));
        Assert.Equal(1, await page.Locator(".word-chip[tabindex='0']").CountAsync());

        // Flag through the dialog: focus goes into it and comes back to the Flag button.
        for (int presses = 0; await FocusedIdAsync(page) != "flag"; presses++)
        {
            Assert.True(presses < 30, "the Flag button was not reached with Tab");
            await keyboard.PressAsync("Tab");
        }
        await keyboard.PressAsync("Enter");
        await page.Locator("#flag-dialog[open]").WaitForAsync(new() { Timeout = Timeout });
        Assert.Equal("flag-reason", await FocusedIdAsync(page));
        await keyboard.TypeAsync("typed with the keyboard");
        await keyboard.PressAsync("Tab");
        Assert.Equal("flag-cancel", await FocusedIdAsync(page));
        await keyboard.PressAsync("Tab");
        Assert.Equal("flag-send", await FocusedIdAsync(page));
        await keyboard.PressAsync("Enter");
        await page.Locator("#flag-feedback", new() { HasTextString = "Flagged as" }).WaitForAsync(new() { Timeout = Timeout });
        Assert.False(await page.Locator("#flag-dialog").IsVisibleAsync());
        Assert.Equal("flag", await FocusedIdAsync(page));
        Assert.Contains(",\"typed with the keyboard\"", await File.ReadAllTextAsync(Path.Combine(fixture.FlagFolder, "log.csv"), TestContext.Current.CancellationToken));

        // A pasted image while a word has focus: the words go, focus moves to Submit rather than to the page body.
        await page.Locator(".word-chip").Nth(2).FocusAsync();
        await page.EvaluateAsync("""
            base64 => {
              const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
              const data = new DataTransfer();
              data.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
              document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
            }
            """, Convert.ToBase64String(TestImages.Png(90, 70)));
        await page.Locator("#file-name", new() { HasTextString = "pasted.png" }).WaitForAsync(new() { Timeout = Timeout });
        Assert.Equal(0, await page.Locator(".word-chip").CountAsync());
        Assert.Equal("submit", await FocusedIdAsync(page));

        // Remove the image by keyboard: its button disappears, focus moves to "Choose an image…".
        await page.Locator("#remove-image").FocusAsync();
        await keyboard.PressAsync("Enter");
        Assert.Equal("choose-file", await FocusedIdAsync(page));
        Assert.True(await page.Locator("#preview").IsHiddenAsync());
    }

    [Fact]
    public async Task A_failure_while_a_caption_starts_is_shown_and_Submit_keeps_working()
    {
        await using var context = await NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await OpenAsync(context);
        await LoadImageAsync(page, "photo.png");
        // The next canvas use throws once: Submit clears the attention canvas before it sends the request.
        await page.EvaluateAsync("""
            () => {
              const getContext = HTMLCanvasElement.prototype.getContext;
              HTMLCanvasElement.prototype.getContext = function () {
                HTMLCanvasElement.prototype.getContext = getContext;
                throw new Error('the canvas failed');
              };
            }
            """);
        await page.Locator("#submit").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#error").WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = Timeout });
        Assert.Equal("Something went wrong", await page.Locator("#error-title").TextContentAsync());
        Assert.Equal("the canvas failed", await page.Locator("#error-detail").TextContentAsync());
        Assert.Null(await page.Locator("#submit").GetAttributeAsync("aria-disabled"));

        // Not a dead button: the same key press captions the image now.
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#caption:not(.placeholder)").WaitForAsync(new() { Timeout = Timeout });
        Assert.True(await page.Locator("#error").IsHiddenAsync());
    }

    [Fact]
    public async Task An_answer_for_an_image_replaced_meanwhile_is_dropped_and_the_next_request_stays_busy()
    {
        await using var context = await NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var start = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        await context.Clock.InstallAsync(new() { TimeDate = start }); // paused below: the page's timers then run only when told
        // Counts the caption answers the page has read, so the test knows when the first one is in the page's hands.
        await context.AddInitScriptAsync("""
            window.__captionAnswers = 0;
            const json = Response.prototype.json;
            Response.prototype.json = async function () {
              const body = await json.call(this);
              if (new URL(this.url).pathname.endsWith('/api/caption')) window.__captionAnswers++;
              return body;
            };
            """);
        var page = await OpenAsync(context);

        // The first request is answered at once (with a caption of its own), the second is held.
        using var second = new HeldRequest();
        int requests = 0;
        await page.RouteAsync("**/api/caption", route => Interlocked.Increment(ref requests) == 1
            ? route.FulfillAsync(new() { ContentType = "application/json", Body = AnswerFor("the answer for the replaced image") })
            : second.HoldAsync(route));

        // An image the browser cannot preview: with its answer in, the page waits on its timers for a preview to draw on.
        await page.Locator("#file-input").SetInputFilesAsync(new FilePayload { Name = "first.jpg", MimeType = "image/jpeg", Buffer = TestImages.RandomBytes(2000) });
        await page.Clock.PauseAtAsync(start.AddHours(1));
        await page.Locator("#submit").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync("() => window.__captionAnswers === 1", null, new() { Timeout = Timeout, PollingInterval = 20 });

        // Meanwhile another image, submitted at once: its request is the running one now.
        await page.Locator("#file-input").SetInputFilesAsync(new FilePayload { Name = "second.png", MimeType = "image/png", Buffer = TestImages.Png() });
        await page.Keyboard.PressAsync("Enter");
        await second.ReachedAsync();

        // Time passes while the second request is held: the first answer must neither end its busy state nor show up.
        await page.Clock.RunForAsync(5_000);
        Assert.Equal(new BusyState("true", "true", "submit", true), await BusyStateAsync(page));
        Assert.Equal("The caption will appear here.", await page.Locator("#caption").TextContentAsync());
        Assert.Equal("second.png, not captioned yet", await page.Locator("#preview").GetAttributeAsync("alt"));

        second.Release();
        await page.Clock.ResumeAsync();
        await page.Locator("#caption:not(.placeholder)").WaitForAsync(new() { Timeout = Timeout });
        Assert.NotEqual("the answer for the replaced image", await page.Locator("#caption").TextContentAsync());
        Assert.Equal(2, requests);
    }

    [Fact]
    public async Task One_live_region_announces_the_caption_with_the_out_of_distribution_note()
    {
        await using var context = await NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await OpenAsync(context);
        Assert.Equal(1, await page.Locator(LiveRegions).CountAsync());
        Assert.Equal("polite", await page.Locator(LiveRegions).GetAttributeAsync("aria-live"));

        // The server may not send the field yet: add it to the real answer on its way to the page.
        await page.RouteAsync("**/api/caption", async route =>
        {
            var response = await route.FetchAsync();
            var body = JsonNode.Parse(await response.TextAsync())!.AsObject();
            body["outOfDistribution"] = new JsonObject
            {
                ["flagged"] = true, ["score"] = 0.8731, ["threshold"] = 0.5, ["reason"] = "few of the encoder's usual features",
            };
            await route.FulfillAsync(new() { Response = response, Body = body.ToJsonString() });
        });
        await LoadImageAsync(page, "photo.png");
        await page.Locator("#submit").ClickAsync();
        await page.Locator("#caption:not(.placeholder)").WaitForAsync(new() { Timeout = Timeout });
        string caption = (await page.Locator("#caption").TextContentAsync())!;

        const string note = "This photo looks unlike the training data (few of the encoder's usual features; score 0.873, threshold 0.5); the caption may be unreliable.";
        Assert.True(await page.Locator("#ood-note").IsVisibleAsync());
        Assert.Equal(note, await page.Locator("#ood-note").TextContentAsync());
        await page.Locator("#announcer", new() { HasTextString = "unlike the training data" }).WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = Timeout });
        Assert.Equal($"Caption: {caption}. {note}", await page.Locator("#announcer").TextContentAsync());
        Assert.Equal(1, await page.Locator(LiveRegions).CountAsync()); // still one after everything rendered
        Assert.Empty(await Axe.ViolationsAsync(page));

        // Not flagged (or absent, as on a server without the field): no note.
        await page.UnrouteAsync("**/api/caption");
        await page.RouteAsync("**/api/caption", async route =>
        {
            var response = await route.FetchAsync();
            var body = JsonNode.Parse(await response.TextAsync())!.AsObject();
            body["outOfDistribution"] = new JsonObject { ["flagged"] = false, ["score"] = 0.1, ["threshold"] = 0.5, ["reason"] = "" };
            await route.FulfillAsync(new() { Response = response, Body = body.ToJsonString() });
        });
        await page.Locator("#submit").ClickAsync();
        await page.Locator("#announcer", new() { HasTextString = "Caption:" }).WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = Timeout });
        Assert.True(await page.Locator("#ood-note").IsHiddenAsync());
        Assert.Equal($"Caption: {caption}", await page.Locator("#announcer").TextContentAsync());
    }

    [Fact]
    public async Task Errors_are_read_from_problem_details_and_announced()
    {
        await using var context = await NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await OpenAsync(context);
        // RFC 9457 problem details, without the older "error" field.
        await page.RouteAsync("**/api/caption", route => route.FulfillAsync(new()
        {
            Status = 400, ContentType = "application/problem+json",
            Body = """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"Bad Request","status":400,"detail":"The upload is not an image (it starts with bytes no image format uses)."}""",
        }));
        await LoadImageAsync(page, "photo.png");
        await page.Locator("#submit").ClickAsync();
        await page.Locator("#error").WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = Timeout });
        Assert.Equal("The image could not be used", await page.Locator("#error-title").TextContentAsync());
        Assert.Equal("The upload is not an image (it starts with bytes no image format uses).", await page.Locator("#error-detail").TextContentAsync());
        await page.Locator("#announcer", new() { HasTextString = "Error:" }).WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = Timeout });
        Assert.Equal("Error: The image could not be used. The upload is not an image (it starts with bytes no image format uses).", await page.Locator("#announcer").TextContentAsync());
    }

    [Fact]
    public async Task Copy_as_alt_text_copies_an_img_element_whose_alt_is_the_caption()
    {
        await using var context = await NewContextAsync(new()
        {
            ViewportSize = new() { Width = 1280, Height = 900 }, Permissions = ["clipboard-read", "clipboard-write"],
        });
        var page = await OpenAsync(context);
        await LoadImageAsync(page, "my \"best\" photo.png");
        await page.Locator("#submit").ClickAsync();
        await page.Locator("#caption:not(.placeholder)").WaitForAsync(new() { Timeout = Timeout });
        string caption = (await page.Locator("#caption").TextContentAsync())!;
        Assert.Contains("<", caption); // the test model's markup words: the snippet must escape them

        await page.Locator("#copy-alt").ClickAsync();
        await page.Locator("#copy-feedback", new() { HasTextString = "Copied." }).WaitForAsync(new() { Timeout = Timeout });
        string copied = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.StartsWith("<img src=\"my &quot;best&quot; photo.png\" alt=\"", copied);
        Assert.DoesNotContain("<b>", copied);
        // Parsed back as HTML, it is one img element whose alt is exactly the caption.
        var parsed = await page.EvaluateAsync<JsonElement>("""
            html => {
              const body = new DOMParser().parseFromString(html, 'text/html').body;
              const img = body.firstElementChild;
              return { count: body.children.length, tag: img.tagName, src: img.getAttribute('src'), alt: img.getAttribute('alt') };
            }
            """, copied);
        Assert.Equal(1, parsed.GetProperty("count").GetInt32());
        Assert.Equal("IMG", parsed.GetProperty("tag").GetString());
        Assert.Equal("my \"best\" photo.png", parsed.GetProperty("src").GetString());
        Assert.Equal(caption, parsed.GetProperty("alt").GetString());
    }

    [Fact]
    public async Task Attention_is_drawn_on_one_absolute_scale_so_a_flat_map_looks_flat()
    {
        await using var context = await NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await OpenAsync(context);
        // Word 0: almost uniform (peak 1.2× uniform). Word 1: the same shape ten times stronger at the upper left.
        await page.RouteAsync("**/api/caption", async route =>
        {
            var response = await route.FetchAsync();
            var body = JsonNode.Parse(await response.TextAsync())!.AsObject();
            var words = body["words"]!.AsArray();
            words[0]!["attention"] = Grid(peak: 1.2);
            words[1]!["attention"] = Grid(peak: 12);
            await route.FulfillAsync(new() { Response = response, Body = body.ToJsonString() });
        });
        await LoadImageAsync(page, "grey.png", SolidGreyPng());
        await page.Locator("#submit").ClickAsync();
        await page.Locator("#caption:not(.placeholder)").WaitForAsync(new() { Timeout = Timeout });

        await page.Locator(".word-chip").Nth(0).FocusAsync();
        var (flatMin, flatMax) = await CanvasBrightnessRangeAsync(page);
        Assert.StartsWith("“a” (word 1 of", await page.Locator("#attention-description").TextContentAsync());
        Assert.EndsWith("looked at the the whole image, evenly, flat (peak 1.2× uniform).", await page.Locator("#attention-description").TextContentAsync());

        await page.Locator(".word-chip").Nth(1).FocusAsync();
        var (peakMin, peakMax) = await CanvasBrightnessRangeAsync(page);
        Assert.EndsWith("looked at the upper left, strong (peak 12.0× uniform).", await page.Locator("#attention-description").TextContentAsync());
        Assert.Equal("Attention for “dog”: upper left, strong (peak 12.0× uniform)", await page.Locator("#attention-canvas").GetAttributeAsync("aria-label"));

        // Stretched to full contrast (the old drawing), both maps would span the same dark-to-bright range.
        Assert.True(flatMax - flatMin < 25, $"a nearly uniform map spans {flatMin}..{flatMax}");
        Assert.True(peakMax - peakMin > 80, $"a strong map spans only {peakMin}..{peakMax}");
        Assert.True(peakMax > flatMax + 60, $"the strong map's brightest ({peakMax}) should far exceed the flat one's ({flatMax})");
        Assert.True(await page.Locator("#attention-scale").IsVisibleAsync());
    }

    [Theory]
    [InlineData(360, 740)]   // a phone
    [InlineData(640, 450)]   // a 1280 × 900 window at 200 % zoom
    public async Task Small_screens_and_200_percent_zoom_have_no_horizontal_scroll(int width, int height)
    {
        await using var context = await NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        var page = await OpenAsync(context);
        await AssertNoHorizontalScrollAsync(page, "empty");
        await LoadImageAsync(page, "a-photo-with-a-rather-long-file-name-that-could-push-the-layout-sideways.png");
        await page.Locator("#advanced summary").ClickAsync();
        await page.Locator("#submit").ClickAsync();
        await page.Locator("#caption:not(.placeholder)").WaitForAsync(new() { Timeout = Timeout });
        await page.Locator("#api-panel summary").ClickAsync();
        await page.Locator(".word-chip").Nth(10).FocusAsync(); // the test vocabulary's longest word
        await AssertNoHorizontalScrollAsync(page, "captioned, API panel open");
        await ScreenshotAsync(page, $"web-demo-{width}px.png");
        await page.Locator("#flag").ClickAsync();
        await AssertNoHorizontalScrollAsync(page, "flag dialog");
        Assert.True(await page.Locator("#flag-send").IsVisibleAsync());
        var send = (await page.Locator("#flag-send").BoundingBoxAsync())!;
        Assert.True(send.X >= 0 && send.X + send.Width <= width, $"the dialog's Send button is cut off at {width} px");
    }

    [Fact]
    public async Task Reduced_motion_stops_the_progress_animation()
    {
        foreach (var (motion, expected) in new[] { (ReducedMotion.NoPreference, "sweep"), (ReducedMotion.Reduce, "none") })
        {
            await using var context = await NewContextAsync(new() { ReducedMotion = motion });
            var page = await OpenAsync(context);
            Assert.Equal(expected, await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.progress-fill')).animationName"));
        }
    }

    // ---------- helpers ----------

    private async Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions options)
    {
        var browser = await fixture.BrowserAsync();
        return await browser.NewContextAsync(options);
    }

    private async Task<IPage> OpenAsync(IBrowserContext context)
    {
        // Request interception on before the page loads and for its whole life (this route only passes requests on).
        // Turned on later by a test's first page.RouteAsync, Chromium could still send the page's next request past
        // the route after RouteAsync had returned: a Submit pressed right after it reached the server unrouted.
        await context.RouteAsync("**/api/caption", route => route.ContinueAsync());
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.BaseAddress.ToString());
        await page.BringToFrontAsync(); // the focused tab, as for a person typing: Chromium opens a file chooser only for that
        await page.Locator("#model-status[data-state='ready']").WaitForAsync(new() { Timeout = Timeout });
        await page.Locator(".example").First.WaitForAsync(new() { Timeout = Timeout });
        return page;
    }

    private static async Task LoadImageAsync(IPage page, string name, byte[]? png = null)
    {
        await page.Locator("#file-input").SetInputFilesAsync(new FilePayload { Name = name, MimeType = "image/png", Buffer = png ?? TestImages.Png() });
        await page.Locator("#preview").WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = Timeout });
    }

    /// <summary>A full-page screenshot under artifacts/screenshots, to look at (CI keeps the folder).</summary>
    private static async Task ScreenshotAsync(IPage page, string name)
    {
        string path = Path.Combine(TestData.RepositoryRoot(), "artifacts", "screenshots", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
    }

    private static async Task AssertNoHorizontalScrollAsync(IPage page, string state)
    {
        var sizes = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        Assert.True(sizes[0] <= sizes[1], $"{state}: the page is {sizes[0]} px wide in a {sizes[1]} px viewport");
    }

    /// <summary>What the page shows about a running caption request, read in one evaluation (so all from one moment).</summary>
    private sealed record BusyState(string? OutputBusy, string? SubmitAriaDisabled, string Focused, bool ProgressShown);

    private static async Task<BusyState> BusyStateAsync(IPage page)
    {
        var state = await page.EvaluateAsync<JsonElement>("""
            () => ({
              busy: document.getElementById('output-column').getAttribute('aria-busy'),
              disabled: document.getElementById('submit').getAttribute('aria-disabled'),
              focused: document.activeElement.id,
              progress: document.getElementById('progress').checkVisibility(),
            })
            """);
        return new BusyState(state.GetProperty("busy").GetString(), state.GetProperty("disabled").GetString(),
            state.GetProperty("focused").GetString()!, state.GetProperty("progress").GetBoolean());
    }

    /// <summary>
    /// A route handler that holds the request it gets until released, and tells when a request has reached it.
    /// Disposing releases it, so a failed test leaves no request hanging in the shared browser.
    /// </summary>
    private sealed class HeldRequest : IDisposable
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task HoldAsync(IRoute route)
        {
            _reached.TrySetResult();
            await _released.Task;
            await route.ContinueAsync();
        }

        /// <summary>
        /// Waits until the request is held: from then on nothing but the page itself can end its busy state.
        /// On failure, <paramref name="trace"/> says what the page did and what state it is in.
        /// </summary>
        public async Task ReachedAsync(PageTrace? trace = null)
        {
            try
            {
                await _reached.Task.WaitAsync(TimeSpan.FromMilliseconds(Timeout), TestContext.Current.CancellationToken);
            }
            catch (TimeoutException)
            {
                string described = trace is null ? "" : "\n" + await trace.DescribeAsync();
                Assert.Fail($"No request reached the route within {Timeout} ms: the page did not send it, or it went out unrouted.{described}");
            }
        }

        public void Release() => _released.TrySetResult();

        public void Dispose() => Release();
    }

    /// <summary>A complete /api/caption answer with the given caption (one attention grid per word).</summary>
    private static string AnswerFor(string caption) => new JsonObject
    {
        ["caption"] = caption,
        ["words"] = new JsonArray([.. caption.Split(' ').Select(word => (JsonNode)new JsonObject { ["text"] = word, ["attention"] = Grid(peak: 2) })]),
        ["alternatives"] = new JsonArray(),
        ["timings"] = new JsonObject { ["encoderMs"] = 1.0, ["decoderMs"] = 1.0, ["serverMs"] = 2.0 },
    }.ToJsonString();

    private static Task<string> FocusedIdAsync(IPage page) => page.EvaluateAsync<string>("""
        () => { const a = document.activeElement; return a.id || (a.tagName === 'SUMMARY' ? a.parentElement.id + '-summary' : ''); }
        """);

    private static Task<string> FocusedIdOrTagAsync(IPage page) => page.EvaluateAsync<string>(
        "() => document.activeElement === document.body ? '' : (document.activeElement.id || document.activeElement.tagName)");

    private static Task<int> FocusedWordAsync(IPage page) => page.EvaluateAsync<int>(
        "() => document.activeElement.classList.contains('word-chip') ? Number(document.activeElement.dataset.index) : -1");

    /// <summary>7×7 weights summing to 1 whose upper-left cell is <paramref name="peak"/> × uniform and the rest share the remainder.</summary>
    private static JsonArray Grid(double peak)
    {
        double top = peak / 49, rest = (1 - top) / 48;
        var grid = new JsonArray();
        for (int row = 0; row < 7; row++)
            grid.Add(new JsonArray([.. Enumerable.Range(0, 7).Select(col => (JsonNode)JsonValue.Create(row == 0 && col == 0 ? top : rest))]));
        return grid;
    }

    private static byte[] SolidGreyPng()
    {
        using var bitmap = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(140, 140, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Opaque));
        bitmap.Erase(new SkiaSharp.SKColor(160, 160, 160));
        using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>The darkest and brightest pixel (mean of R, G, B) of the attention canvas.</summary>
    private static async Task<(double Min, double Max)> CanvasBrightnessRangeAsync(IPage page)
    {
        var range = await page.EvaluateAsync<double[]>("""
            () => {
              const canvas = document.getElementById('attention-canvas');
              const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
              let min = 255, max = 0;
              for (let i = 0; i < data.length; i += 4) {
                const v = (data[i] + data[i + 1] + data[i + 2]) / 3;
                if (v < min) min = v;
                if (v > max) max = v;
              }
              return [min, max];
            }
            """);
        return (range[0], range[1]);
    }
}
