using System.Net;
using System.Text;

namespace ImageCaptioning.Cli.Commands.Caption;

/// <summary>
/// A caption as ready-to-paste alt text: an HTML <c>&lt;img src="…" alt="…"&gt;</c> element, a Markdown
/// <c>![…](…)</c> image, or a plain-text sidecar file beside the image. The image's path becomes the src as the
/// user gave it (forward slashes, each segment percent-encoded), so captioning <c>photos/</c> from a site's
/// folder gives links that work from that folder.
/// </summary>
internal static class AltTextMarkup
{
    /// <summary>The extension a sidecar adds to the image's own file name: <c>beach.jpg</c> → <c>beach.jpg.alt.txt</c>.</summary>
    public const string SidecarExtension = ".alt.txt";

    /// <summary><c>&lt;img src="…" alt="…"&gt;</c>, both attributes HTML-encoded (a caption can never become markup).</summary>
    public static string Html(string imagePath, string caption) =>
        $"<img src=\"{WebUtility.HtmlEncode(Source(imagePath))}\" alt=\"{WebUtility.HtmlEncode(caption)}\">";

    /// <summary><c>![caption](src)</c> with every Markdown punctuation character of the caption backslash-escaped.</summary>
    public static string Markdown(string imagePath, string caption) =>
        $"![{EscapeMarkdown(caption)}]({Source(imagePath)})";

    /// <summary>Where the sidecar of <paramref name="imagePath"/> goes: beside it, named after the whole file name (so a.jpg and a.png never collide).</summary>
    public static string SidecarPath(string imagePath) => imagePath + SidecarExtension;

    /// <summary>The path as a relative (or absolute) URL: forward slashes, each segment percent-encoded (spaces, quotes, brackets, parentheses).</summary>
    public static string Source(string imagePath)
    {
        string[] segments = imagePath.Replace('\\', '/').Split('/');
        return string.Join('/', segments.Select(Uri.EscapeDataString));
    }

    /// <summary>Characters that would make Markdown read the alt text as something else (escapes, links, emphasis, code, HTML, entities).</summary>
    private const string MarkdownSpecial = "\\`*_[]<>&!";

    /// <summary>Backslash-escapes what Markdown would interpret (CommonMark allows it before any ASCII punctuation); line breaks become spaces.</summary>
    private static string EscapeMarkdown(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            if (char.IsControl(c))
                escaped.Append(' ');
            else if (MarkdownSpecial.Contains(c))
                escaped.Append('\\').Append(c);
            else
                escaped.Append(c);
        }
        return escaped.ToString();
    }
}
