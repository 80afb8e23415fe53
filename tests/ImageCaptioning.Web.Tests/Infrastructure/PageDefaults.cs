using System.Text.RegularExpressions;

namespace ImageCaptioning.Web.Tests.Infrastructure;

/// <summary>
/// The decoding settings the demo page sends when nobody touches Advanced, read from the page itself (the controls'
/// initial values in index.html), so a test captions exactly as a first-time visitor does. The page asks for as many
/// alternatives as the beam width (app.js, <c>options()</c>).
/// </summary>
public sealed record PageDefaults(int BeamWidth, int MaxLength, string Guidance)
{
    public int NBest => BeamWidth;

    /// <summary>The form fields of the page's caption request.</summary>
    public (string Name, string Value)[] Fields =>
        [("beamWidth", $"{BeamWidth}"), ("maxLength", $"{MaxLength}"), ("nBest", $"{NBest}"), ("guidance", Guidance)];

    public static PageDefaults Read()
    {
        string html = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "wwwroot", "index.html"));
        return new PageDefaults(
            int.Parse(Input(html, "beam-width").Groups["value"].Value),
            int.Parse(Input(html, "max-length").Groups["value"].Value),
            Regex.IsMatch(Tag(html, "guidance"), @"\schecked(\s|>|=)") ? "tags" : "off");
    }

    private static string Tag(string html, string id) =>
        Regex.Match(html, $"""<input id="{id}"[^>]*>""") is { Success: true } m ? m.Value : throw new InvalidOperationException($"index.html has no <input id=\"{id}\">.");

    private static Match Input(string html, string id) =>
        Regex.Match(Tag(html, id), """\svalue="(?<value>\d+)" """.TrimEnd()) is { Success: true } m ? m : throw new InvalidOperationException($"<input id=\"{id}\"> has no value.");
}
