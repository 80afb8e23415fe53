using System.Globalization;
using System.Security;
using System.Security.Cryptography;
using System.Text;

namespace ImageCaptioning.Notebooks.Charts;

/// <summary>The static picture of a <see cref="Chart"/>: plain SVG (rects, polylines, text, the photo as an
/// &lt;image&gt;), laid out like the plotly figure, so the notebook reads where no script runs.</summary>
internal static class SvgRenderer
{
    /// <summary>Class of the static picture's root element (a page can tell whether plotly.js replaced it).</summary>
    public const string StaticClass = "imagecaptioning-static-chart";

    public static string Render(Chart chart)
    {
        // Ids inside an SVG are document-wide once the SVG is inlined in a page with other charts: make them unique.
        string ids = "c" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(chart.ToPlotlyJson())))[..10];
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{StaticClass}\" width=\"{chart.Width}\" height=\"{chart.Height}\" viewBox=\"0 0 {chart.Width} {chart.Height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        svg.Append(Invariant($"<rect width=\"{chart.Width}\" height=\"{chart.Height}\" fill=\"white\"/>"));
        svg.Append(TextAt(chart.Width / 2.0, 24, chart.Title, "middle", size: 16));
        for (int k = 0; k < chart.Panels.Count; k++)
            RenderPanel(svg, chart, k, ids);
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static void RenderPanel(StringBuilder svg, Chart chart, int k, string ids)
    {
        var panel = chart.Panels[k];
        var area = PlotArea.Of(chart, k);
        var xs = AxisScale.ForX(panel);
        var ys = AxisScale.ForY(panel);
        double X(double v) => area.Left + xs.Fraction(v) * area.Width;
        double Y(double v) => panel.ReversedY ? area.Top + ys.Fraction(v) * area.Height : area.Bottom - ys.Fraction(v) * area.Height;

        if (panel.Title is not null)
            svg.Append(TextAt((area.Left + area.Right) / 2, area.Top - 8, panel.Title, "middle", size: 13));
        if (!panel.HideAxes)
            RenderAxes(svg, panel, area, xs, ys, X, Y);

        string clip = Invariant($"{ids}-clip{k}");
        svg.Append(Invariant($"<clipPath id=\"{clip}\"><rect x=\"{F(area.Left)}\" y=\"{F(area.Top)}\" width=\"{F(area.Width)}\" height=\"{F(area.Height)}\"/></clipPath><g clip-path=\"url(#{clip})\">"));
        foreach (var trace in panel.Traces)
            RenderTrace(svg, trace, xs, ys, X, Y);
        svg.Append("</g>");
        if (!panel.HideAxes)
            svg.Append(Invariant($"<rect x=\"{F(area.Left)}\" y=\"{F(area.Top)}\" width=\"{F(area.Width)}\" height=\"{F(area.Height)}\" fill=\"none\" stroke=\"#444\" stroke-width=\"1\"/>"));

        foreach (var heatmap in panel.Traces.OfType<HeatmapTrace>().Where(h => h.ShowScale))
            RenderColorBar(svg, heatmap, area);
        var named = panel.Traces.Where(t => t.Name is not null).ToList();
        if (chart.ShowLegend && named.Count > 0)
            RenderLegend(svg, named, area);
    }

    private static void RenderAxes(StringBuilder svg, Panel panel, PlotArea area, AxisScale xs, AxisScale ys, Func<double, double> X, Func<double, double> Y)
    {
        foreach (double t in xs.Ticks())
        {
            double x = X(t);
            svg.Append(Invariant($"<line x1=\"{F(x)}\" y1=\"{F(area.Top)}\" x2=\"{F(x)}\" y2=\"{F(area.Bottom)}\" stroke=\"#e5e5e5\"/>"));
            svg.Append(Invariant($"<line x1=\"{F(x)}\" y1=\"{F(area.Bottom)}\" x2=\"{F(x)}\" y2=\"{F(area.Bottom + 5)}\" stroke=\"#444\"/>"));
            svg.Append(TextAt(x, area.Bottom + 18, xs.Label(t), "middle"));
        }
        foreach (double t in ys.Ticks())
        {
            double y = Y(t);
            svg.Append(Invariant($"<line x1=\"{F(area.Left)}\" y1=\"{F(y)}\" x2=\"{F(area.Right)}\" y2=\"{F(y)}\" stroke=\"#e5e5e5\"/>"));
            svg.Append(Invariant($"<line x1=\"{F(area.Left - 5)}\" y1=\"{F(y)}\" x2=\"{F(area.Left)}\" y2=\"{F(y)}\" stroke=\"#444\"/>"));
            svg.Append(TextAt(area.Left - 8, y + 4, ys.Label(t), "end"));
        }
        if (panel.XTitle is not null)
            svg.Append(TextAt((area.Left + area.Right) / 2, area.Bottom + 36, panel.XTitle, "middle"));
        if (panel.YTitle is not null)
            svg.Append(Invariant($"<text x=\"0\" y=\"0\" text-anchor=\"middle\" transform=\"translate({F(area.Left - 48)},{F((area.Top + area.Bottom) / 2)}) rotate(-90)\">{Escape(panel.YTitle)}</text>"));
    }

    private static void RenderTrace(StringBuilder svg, Trace trace, AxisScale xs, AxisScale ys, Func<double, double> X, Func<double, double> Y)
    {
        switch (trace)
        {
            case ImageTrace image:
                double left = X(-0.5), right = X(image.PixelWidth - 0.5), top = Y(-0.5), bottom = Y(image.PixelHeight - 0.5);
                svg.Append(Invariant($"<image x=\"{F(Math.Min(left, right))}\" y=\"{F(Math.Min(top, bottom))}\" width=\"{F(Math.Abs(right - left))}\" height=\"{F(Math.Abs(bottom - top))}\" preserveAspectRatio=\"none\" href=\"{image.DataUri}\"/>"));
                break;
            case HeatmapTrace h:
                for (int r = 0; r < h.Z.GetLength(0); r++)
                    for (int c = 0; c < h.Z.GetLength(1); c++)
                    {
                        double v = h.Z[r, c];
                        if (!double.IsFinite(v))
                            continue;
                        double x1 = X(h.X0 + (c - 0.5) * h.Dx), x2 = X(h.X0 + (c + 0.5) * h.Dx);
                        double y1 = Y(h.Y0 + (r - 0.5) * h.Dy), y2 = Y(h.Y0 + (r + 0.5) * h.Dy);
                        string color = h.Scale.At((v - h.ZMin) / (h.ZMax - h.ZMin));
                        // A hair of overlap hides the seams anti-aliasing leaves between cells.
                        svg.Append(Invariant($"<rect x=\"{F(Math.Min(x1, x2))}\" y=\"{F(Math.Min(y1, y2))}\" width=\"{F(Math.Abs(x2 - x1) + 0.4)}\" height=\"{F(Math.Abs(y2 - y1) + 0.4)}\" fill=\"{color}\" fill-opacity=\"{F(h.Opacity)}\"/>"));
                    }
                break;
            case BarTrace b:
                for (int i = 0; i < b.Values.Length; i++)
                {
                    double position = b.X?[i] ?? i, half = (b.X is null ? 0.8 : b.BarWidth) / 2;
                    string color = b.Colors?[i] ?? b.Color;
                    double a1, a2, v1, v2;
                    if (b.Horizontal) { a1 = Y(position - half); a2 = Y(position + half); v1 = X(0); v2 = X(b.Values[i]); }
                    else { a1 = X(position - half); a2 = X(position + half); v1 = Y(0); v2 = Y(b.Values[i]); }
                    string rect = b.Horizontal
                        ? Invariant($"x=\"{F(Math.Min(v1, v2))}\" y=\"{F(Math.Min(a1, a2))}\" width=\"{F(Math.Abs(v2 - v1))}\" height=\"{F(Math.Abs(a2 - a1))}\"")
                        : Invariant($"x=\"{F(Math.Min(a1, a2))}\" y=\"{F(Math.Min(v1, v2))}\" width=\"{F(Math.Abs(a2 - a1))}\" height=\"{F(Math.Abs(v2 - v1))}\"");
                    svg.Append(Invariant($"<rect {rect} fill=\"{color}\" fill-opacity=\"{F(b.Opacity)}\" stroke=\"white\" stroke-width=\"0.5\"/>"));
                }
                break;
            case LineTrace l:
                foreach (var segment in Segments(l.X, l.Y))
                {
                    string points = string.Join(' ', segment.Select(i => Invariant($"{F(X(l.X[i]))},{F(Y(l.Y[i]))}")));
                    svg.Append(Invariant($"<polyline points=\"{points}\" fill=\"none\" stroke=\"{l.Color}\" stroke-width=\"{F(l.Width)}\"{(l.Dashed ? " stroke-dasharray=\"6 4\"" : "")}/>"));
                    if (l.Markers)
                        foreach (int i in segment)
                            svg.Append(Invariant($"<circle cx=\"{F(X(l.X[i]))}\" cy=\"{F(Y(l.Y[i]))}\" r=\"3\" fill=\"{l.Color}\"/>"));
                }
                break;
            case PointsTrace p:
                for (int i = 0; i < p.X.Length; i++)
                {
                    double x = X(p.X[i]), y = Y(p.Y[i]);
                    svg.Append(Invariant($"<circle cx=\"{F(x)}\" cy=\"{F(y)}\" r=\"{F(p.Size / 2)}\" fill=\"{p.Colors?[i] ?? p.Color}\"/>"));
                    svg.Append(TextAt(x + p.Size / 2 + 3, y + 4, p.Labels[i], "start", size: 11));
                }
                break;
        }
    }

    /// <summary>Index runs between NaNs: the pieces of a broken line.</summary>
    private static IEnumerable<List<int>> Segments(double[] x, double[] y)
    {
        var current = new List<int>();
        for (int i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            if (double.IsFinite(x[i]) && double.IsFinite(y[i]))
                current.Add(i);
            else if (current.Count > 0)
            {
                yield return current;
                current = [];
            }
        }
        if (current.Count > 0)
            yield return current;
    }

    private static void RenderColorBar(StringBuilder svg, HeatmapTrace h, PlotArea area)
    {
        double x = area.Right + 10, width = 14;
        const int Steps = 48;
        for (int i = 0; i < Steps; i++)
        {
            double y = area.Bottom - (i + 1) * area.Height / Steps;
            svg.Append(Invariant($"<rect x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(width)}\" height=\"{F(area.Height / Steps + 0.4)}\" fill=\"{h.Scale.At((i + 0.5) / Steps)}\"/>"));
        }
        var scale = new AxisScale(h.ZMin, h.ZMax, false, null);
        foreach (double t in scale.Ticks())
        {
            double y = area.Bottom - scale.Fraction(t) * area.Height;
            svg.Append(TextAt(x + width + 4, y + 4, scale.Label(t), "start"));
        }
        if (h.ScaleTitle is not null)
            svg.Append(Invariant($"<text x=\"0\" y=\"0\" text-anchor=\"middle\" transform=\"translate({F(x + width + 58)},{F((area.Top + area.Bottom) / 2)}) rotate(90)\">{Escape(h.ScaleTitle)}</text>"));
    }

    private static void RenderLegend(StringBuilder svg, List<Trace> named, PlotArea area)
    {
        double y = area.Top + 8;
        double width = 30 + 7 * named.Max(t => t.Name!.Length);
        double x = area.Right - width - 6;
        svg.Append(Invariant($"<rect x=\"{F(x - 4)}\" y=\"{F(y - 4)}\" width=\"{F(width)}\" height=\"{F(named.Count * 18 + 4)}\" fill=\"white\" fill-opacity=\"0.8\"/>"));
        foreach (var trace in named)
        {
            string color = trace switch { LineTrace l => l.Color, BarTrace b => b.Color, PointsTrace p => p.Color, _ => "#444" };
            svg.Append(Invariant($"<rect x=\"{F(x)}\" y=\"{F(y + 2)}\" width=\"16\" height=\"8\" fill=\"{color}\"/>"));
            svg.Append(TextAt(x + 22, y + 10, trace.Name!, "start"));
            y += 18;
        }
    }

    private static string TextAt(double x, double y, string text, string anchor, int size = 12) =>
        Invariant($"<text x=\"{F(x)}\" y=\"{F(y)}\" text-anchor=\"{anchor}\"{(size != 12 ? $" font-size=\"{size}\"" : "")}>{Escape(text)}</text>");

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString s) => FormattableString.Invariant(s);
}
