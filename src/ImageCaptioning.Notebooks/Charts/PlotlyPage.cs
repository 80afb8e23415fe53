using System.Security.Cryptography;
using System.Text;

namespace ImageCaptioning.Notebooks.Charts;

/// <summary>
/// The HTML of a chart output: the static SVG until plotly.js replaces it. plotly.js (the vendored bundle) is written into
/// the first chart of each kernel session; later charts wait for <c>window.Plotly</c>; nothing is loaded from the network.
/// </summary>
public static class PlotlyPage
{
    private static readonly Lazy<string> Script = new(LoadScript);
    private static int scriptWritten;

    /// <summary>The plotly.js version embedded, e.g. "4.1.1".</summary>
    public static string PlotlyVersion => System.Text.RegularExpressions.Regex.Match(Script.Value[..200], @"v(\d+\.\d+\.\d+)").Groups[1].Value;

    /// <summary>Marks an output that carries plotly.js; the notebook check counts exactly one per notebook.</summary>
    public const string ScriptMarker = "imagecaptioning-plotly-js";

    /// <summary>Write plotly.js into the next chart again (after the output that held it was cleared).</summary>
    public static void Reset() => Interlocked.Exchange(ref scriptWritten, 0);

    internal static string Render(Chart chart)
    {
        string json = chart.ToPlotlyJson();
        string svg = chart.ToSvg();
        // Deterministic id: re-running a notebook changes no output that did not change.
        string id = "ic-chart-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
        var html = new StringBuilder();
        html.Append($"<div id=\"{id}\" class=\"imagecaptioning-chart\" style=\"width:{chart.Width}px;height:{chart.Height}px\">{svg}</div>\n");
        if (Interlocked.Exchange(ref scriptWritten, 1) == 0)
            html.Append($"<script type=\"text/javascript\" id=\"{ScriptMarker}\">\n{Script.Value}\n</script>\n");
        html.Append("<script type=\"text/javascript\">\n(function () {\n")
            .Append($"  var el = document.getElementById(\"{id}\"), fig = {json};\n")
            .Append("  function draw() {\n")
            .Append("    if (!window.Plotly) { setTimeout(draw, 50); return; }\n")
            .Append("    el.innerHTML = \"\";\n")
            .Append("    window.Plotly.newPlot(el, fig.data, fig.layout, { displaylogo: false, responsive: false });\n")
            .Append("  }\n  draw();\n})();\n</script>");
        return html.ToString();
    }

    private static string LoadScript()
    {
        using var stream = typeof(PlotlyPage).Assembly.GetManifestResourceStream("plotly-cartesian.min.js")
            ?? throw new InvalidOperationException("ImageCaptioning.Notebooks.dll does not embed plotly-cartesian.min.js.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        // A literal "</script" would end the inline script early; the bundle has none, this keeps it that way.
        return reader.ReadToEnd().Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
    }
}
