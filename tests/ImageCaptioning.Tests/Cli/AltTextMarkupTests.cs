using System.Net;
using System.Text.RegularExpressions;
using ImageCaptioning.Cli.Commands.Caption;
using Markdig;

namespace ImageCaptioning.Tests.Cli;

/// <summary>The alt-text snippets stay one image whose alt is exactly the caption, whatever characters the caption or path holds.</summary>
public partial class AltTextMarkupTests
{
    public static TheoryData<string, string> HostileInputs => new()
    {
        { "photos/beach.jpg", "a dog runs on the beach" },
        { "my \"best\" photos/a <b> & c.png", "a <b>bold</b> \"quoted\" 'apostrophe' & more" },
        { "x/[link](y).jpg", "a [link](javascript:alert(1)) *stars* _under_ `code` \\ back ! bang" },
        { "café/naïve.jpg", "&amp; an entity, <script>alert(2)</script> and a line\nbreak" },
    };

    [Theory]
    [MemberData(nameof(HostileInputs))]
    public void HtmlIsOneImgElementWithTheCaptionAsAlt(string path, string caption)
    {
        string html = AltTextMarkup.Html(path, caption);
        var match = ImgTag().Match(html);
        Assert.True(match.Success, html);
        Assert.Equal(caption, WebUtility.HtmlDecode(match.Groups["alt"].Value));
        Assert.Equal(AltTextMarkup.Source(path), WebUtility.HtmlDecode(match.Groups["src"].Value));
        Assert.Equal(Path.GetFileName(path), Uri.UnescapeDataString(AltTextMarkup.Source(path).Split('/')[^1]));
    }

    [Theory]
    [MemberData(nameof(HostileInputs))]
    public void MarkdownRendersToOneImageWithTheCaptionAsAlt(string path, string caption)
    {
        string markdown = AltTextMarkup.Markdown(path, caption);
        Assert.DoesNotContain('\n', markdown);
        string html = Markdown.ToHtml(markdown).Trim();
        var match = ImgTag().Match(html.Replace("<p>", "").Replace("</p>", "").Replace(" />", ">"));
        Assert.True(match.Success, html);
        Assert.Equal(caption.Replace('\n', ' '), WebUtility.HtmlDecode(match.Groups["alt"].Value));
        Assert.Equal(AltTextMarkup.Source(path), WebUtility.HtmlDecode(match.Groups["src"].Value));
    }

    [Fact]
    public void SourceEncodesEachSegmentAndKeepsTheFolders()
    {
        Assert.Equal("photos/sub%20dir/my%20cat%20%281%29.png", AltTextMarkup.Source("photos/sub dir/my cat (1).png"));
        Assert.Equal("/srv/site/a.jpg", AltTextMarkup.Source("/srv/site/a.jpg"));
        Assert.Equal("a/b.jpg", AltTextMarkup.Source("a\\b.jpg"));
    }

    [Fact]
    public void TheSidecarIsNamedAfterTheWholeFileName()
    {
        Assert.Equal("photos/a.jpg.alt.txt", AltTextMarkup.SidecarPath("photos/a.jpg"));
        Assert.NotEqual(AltTextMarkup.SidecarPath("a.jpg"), AltTextMarkup.SidecarPath("a.png"));
    }

    [GeneratedRegex("""^<img src="(?<src>[^"]*)" alt="(?<alt>[^"]*)">$""")]
    private static partial Regex ImgTag();
}
