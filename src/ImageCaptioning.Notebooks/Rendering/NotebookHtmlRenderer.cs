using System.Net;
using System.Text;
using ImageCaptioning.Notebooks.Display;
using ImageCaptioning.Notebooks.Format;
using Markdig;

namespace ImageCaptioning.Notebooks.Rendering;

/// <summary>
/// A self-contained HTML page of a notebook: markdown cells rendered (Markdig, GitHub-style tables etc.), code cells
/// with their <c>[n]</c> and source, and each output in its richest representation (image, HTML, else text). Plotly
/// charts load plotly.js once, from a local file beside the page, instead of the CDN tag their notebook output carries,
/// so the page renders offline (e.g. in headless Chromium).
/// </summary>
public static class NotebookHtmlRenderer
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    /// <summary>Representations tried in this order; the first one present is shown.</summary>
    private static readonly string[] Preference = [MimeBundle.Png, MimeBundle.Jpeg, MimeBundle.Html, MimeBundle.Markdown, MimeBundle.PlainText];

    /// <param name="plotlyScriptSource">The <c>src</c> of the local plotly.min.js (e.g. <see cref="PlotlyScript.FileName"/>).</param>
    public static string Render(NotebookDocument notebook, string title, string plotlyScriptSource)
    {
        var body = new StringBuilder();
        foreach (var cell in notebook.Cells)
        {
            switch (cell.Kind)
            {
                case NotebookCellKind.Markdown:
                    body.Append("<section class=\"cell markdown\">").Append(Markdig.Markdown.ToHtml(cell.Source, Markdown)).Append("</section>\n");
                    break;
                case NotebookCellKind.Code:
                    body.Append("<section class=\"cell code\"><div class=\"prompt\">[")
                        .Append(cell.ExecutionCount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? " ")
                        .Append("]</div><pre class=\"source\"><code class=\"language-csharp\">")
                        .Append(WebUtility.HtmlEncode(cell.Source)).Append("</code></pre>");
                    foreach (var output in cell.Outputs)
                        body.Append(RenderOutput(output));
                    body.Append("</section>\n");
                    break;
                default:
                    body.Append("<section class=\"cell raw\"><pre>").Append(WebUtility.HtmlEncode(cell.Source)).Append("</pre></section>\n");
                    break;
            }
        }
        return Page(title, body.ToString(), plotlyScriptSource);
    }

    /// <summary>A page showing one output alone (e.g. a chart to screenshot).</summary>
    public static string RenderStandalone(MimeBundle output, string title, string plotlyScriptSource) =>
        Page(title, RenderOutput(new DisplayDataOutput(output)), plotlyScriptSource);

    private static string RenderOutput(CellOutput output) => output switch
    {
        StreamOutput stream => $"<pre class=\"output {stream.Name}\">{WebUtility.HtmlEncode(stream.Text)}</pre>",
        DisplayDataOutput display => RenderBundle(display.Data),
        ExecuteResultOutput result => RenderBundle(result.Data),
        ErrorOutput error => $"<pre class=\"output error\">{WebUtility.HtmlEncode($"{error.Name}: {error.Value}\n{string.Join('\n', error.Traceback)}")}</pre>",
        _ => "",
    };

    private static string RenderBundle(MimeBundle bundle)
    {
        string? mime = Preference.FirstOrDefault(bundle.ContainsKey);
        string content = mime is null ? "" : bundle[mime];
        return mime switch
        {
            MimeBundle.Png or MimeBundle.Jpeg => $"<div class=\"output image\"><img src=\"data:{mime};base64,{content}\" alt=\"output image\"></div>",
            // The page loads plotly.js once in its head; the per-chart CDN tag would need the network.
            MimeBundle.Html => $"<div class=\"output html\">{content.Replace(PlotlyScript.CdnScriptTag, "", StringComparison.Ordinal)}</div>",
            MimeBundle.Markdown => $"<div class=\"output markdown\">{Markdig.Markdown.ToHtml(content, Markdown)}</div>",
            MimeBundle.PlainText => $"<pre class=\"output text\">{WebUtility.HtmlEncode(content)}</pre>",
            _ => "",
        };
    }

    private static string Page(string title, string body, string plotlyScriptSource) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>{{WebUtility.HtmlEncode(title)}}</title>
        <script src="{{WebUtility.HtmlEncode(plotlyScriptSource)}}" charset="utf-8"></script>
        <style>
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; background: #fafafa; color: #222; }
        main { max-width: 1100px; margin: 0 auto; padding: 1.5rem; }
        .cell { margin: 0.8rem 0; }
        .cell.code { background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; padding: 0.5rem 0.8rem; }
        .prompt { color: #888; font: 0.8rem monospace; }
        pre { overflow-x: auto; font-size: 0.85rem; }
        pre.source { background: #f5f7fa; padding: 0.6rem; border-radius: 4px; }
        pre.output { margin: 0.4rem 0; padding: 0.4rem; border-left: 3px solid #ccd; }
        pre.output.error, pre.output.stderr { border-left-color: #c33; color: #a00; background: #fff3f3; }
        table.nb-table { border-collapse: collapse; font-size: 0.85rem; }
        .markdown table, table.nb-table { border-collapse: collapse; }
        .markdown th, .markdown td, table.nb-table th, table.nb-table td { border: 1px solid #ddd; padding: 0.2rem 0.5rem; }
        .output.image img { max-width: 100%; }
        </style>
        </head>
        <body>
        <main class="notebook">
        {{body}}
        </main>
        </body>
        </html>
        """;
}
