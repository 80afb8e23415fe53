using System.Net.Http.Json;
using System.Text.RegularExpressions;
using ImageCaptioning.Web.Examples;
using ImageCaptioning.Web.Hosting;
using ImageCaptioning.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ImageCaptioning.Web.Tests.Browser;

/// <summary>The page in headless Chromium with the shipped model (what a visitor gets from <c>dotnet run</c>).</summary>
public sealed class ShippedModelBrowserFixture : BrowserFixture
{
    protected override string? PrepareModel(string root) => null;
}

/// <summary>
/// The gallery as a first-time visitor meets it: a click on the first example captions it at once, and the caption names
/// the photo's subject, with the photo's credit beneath; an example marked as outside the training data shows the
/// out-of-distribution note; the random Flickr8k test photo names its image and its source and lists the captions people wrote.
/// </summary>
public sealed class GalleryPageTests(ShippedModelBrowserFixture fixture) : IClassFixture<ShippedModelBrowserFixture>
{
    private const float Timeout = 60_000; // ms: the shipped two-decoder ensemble on a busy 2-core machine

    [Fact]
    public async Task Clicking_examples_shows_captions_that_name_their_subject_with_credit_and_the_out_of_distribution_note()
    {
        var browser = await fixture.BrowserAsync();
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") consoleErrors.Add(message.Text); };
        page.PageError += (_, error) => consoleErrors.Add(error);
        await page.GotoAsync(fixture.BaseAddress.ToString());
        await page.Locator("#model-status[data-state='ready']").WaitForAsync(new() { Timeout = Timeout });
        using var http = new HttpClient { BaseAddress = fixture.BaseAddress };
        var examples = (await http.GetFromJsonAsync<List<ExampleImage>>("api/examples", Requests.Json, TestContext.Current.CancellationToken))!;

        // The first tile: a photo like the training data, captioned at once on click.
        var first = examples[0];
        Assert.False(first.OutsideTrainingData);
        var tiles = page.Locator(".example");
        await tiles.First.WaitForAsync(new() { Timeout = Timeout });
        Assert.Equal(first.Id, await tiles.First.GetAttributeAsync("data-id"));
        await tiles.First.ClickAsync();
        string caption = await CaptionOfAsync(page, first.Title);
        Assert.True(GallerySubjects.Named(caption, first.Subjects), $"\"{caption}\" does not name {string.Join("|", first.Subjects)}");
        string credit = (await page.Locator("#example-credit").TextContentAsync())!;
        Assert.Contains(first.Credit!, credit);
        Assert.Equal(first.SourceUrl, await page.Locator("#example-credit a").GetAttributeAsync("href"));
        Assert.True(await page.Locator("#ood-note").IsHiddenAsync());
        Assert.Equal(caption, await page.Locator("#preview").GetAttributeAsync("alt")); // the caption is the photo's alt text
        // The hints name the grid the shipped model attends over (from /api/model), e.g. "7×7" cells.
        var model = (await http.GetFromJsonAsync<ModelInfo>("api/model", Requests.Json, TestContext.Current.CancellationToken))!;
        int side = (int)Math.Round(Math.Sqrt(model.Decoder.Positions));
        Assert.Equal($"{side}×{side}", await page.Locator("#words-hint .grid-size").TextContentAsync());
        Assert.Equal($"{model.Decoder.Positions}", await page.Locator("#attention-scale-text .grid-cells").TextContentAsync());

        // An example outside the training data: marked on its tile, and the out-of-distribution note under its caption.
        var outside = examples.Last(e => e.OutsideTrainingData);
        var outsideTile = page.Locator($".example[data-id='{outside.Id}']");
        Assert.Contains("outside its training data", await outsideTile.TextContentAsync());
        await outsideTile.ClickAsync();
        caption = await CaptionOfAsync(page, outside.Title);
        Assert.True(GallerySubjects.Named(caption, outside.Subjects), $"\"{caption}\" does not name {string.Join("|", outside.Subjects)}");
        await page.Locator("#ood-note").WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = Timeout });
        Assert.Contains("unlike the training data", await page.Locator("#ood-note").TextContentAsync());
        Assert.StartsWith("Outside its training data", await page.Locator("#example-credit").TextContentAsync());
        Assert.Empty(await Axe.ViolationsAsync(page));
        await ScreenshotAsync(page, "gallery-outside-training-data.png");

        // The random Flickr8k test photo (listed because IMAGECAPTIONING_FLICKR8K_DIR is set): its image name and source.
        TestData.Flickr8kDirectory();
        var randomTile = page.Locator($".example[data-id='{Flickr8kTestPhotos.ExampleId}']");
        await randomTile.ClickAsync();
        await page.Locator("#example-credit", new() { HasTextString = "Flickr8k test split" }).WaitForAsync(new() { Timeout = Timeout });
        await page.Locator("#caption:not(.placeholder)").WaitForAsync(new() { Timeout = Timeout });
        Assert.Matches(new Regex(@"\(\d+_[0-9a-f]+\.jpg\)"), await page.Locator("#example-credit").TextContentAsync());
        Assert.Matches(new Regex(@"^\d+_[0-9a-f]+\.jpg"), await page.Locator("#file-name").TextContentAsync());
        await page.Locator("#references-list li").First.WaitForAsync(new() { Timeout = Timeout });   // what people wrote, beside the model's caption
        Assert.Equal(5, await page.Locator("#references-list li").CountAsync());
        Assert.Empty(await Axe.ViolationsAsync(page));
        await ScreenshotAsync(page, "gallery-random-test-photo.png");
        Assert.Empty(consoleErrors); // includes CSP violations
    }

    /// <summary>Waits for the example's credit, then for its caption (the credit appears as the photo loads, the caption after).</summary>
    private static async Task<string> CaptionOfAsync(IPage page, string title)
    {
        await page.Locator("#example-credit", new() { HasTextString = title }).WaitForAsync(new() { Timeout = Timeout });
        await page.Locator("#caption:not(.placeholder)").WaitForAsync(new() { Timeout = Timeout });
        return (await page.Locator("#caption").TextContentAsync())!;
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        string path = Path.Combine(TestData.RepositoryRoot(), "artifacts", "screenshots", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.Current.TestOutputHelper?.WriteLine($"screenshot: {path}");
    }
}
