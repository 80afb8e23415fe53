using System.Text.Json.Nodes;
using System.Xml.Linq;
using ImageCaptioning.Notebooks.Charts;

namespace ImageCaptioning.Notebooks.Tests.Charts;

/// <summary>The two renderings of a chart: a well-formed static SVG and a plotly.js figure with the same fixed scales.</summary>
public sealed class ChartRenderingTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    // A 1×1 transparent PNG: enough for an image trace.
    private const string Pixel = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    private static Chart Sample() => new("A <sample> & more",
        new Panel(new LineTrace([1, 2, double.NaN, 3, 4], [1, 4, 0, 9, 16]) { Name = "squares", Markers = true },
                  new PointsTrace([1, 2], [3, 4], ["a", "b"]))
            { Title = "lines", XTitle = "x", YTitle = "y" },
        new Panel(new BarTrace([3, 1, 2]) { Categories = ["one", "two", "three"], Horizontal = true }) { Title = "bars" },
        new Panel(new ImageTrace(Pixel, 224, 224), new HeatmapTrace(new double[,] { { 0, 0.5 }, { 1, 2 } }, 0, 1)
            { X0 = 16, Dx = 32, Y0 = 16, Dy = 32, Scale = ColorScale.Hot, ScaleTitle = "α × 49" }) { Title = "overlay", HideAxes = true })
    { Columns = 2 };

    [Fact]
    public void The_svg_is_well_formed_and_draws_every_trace()
    {
        var svg = XDocument.Parse(Sample().ToSvg()).Root!;

        Assert.Equal(Svg + "svg", svg.Name);
        Assert.Equal(2, svg.Descendants(Svg + "polyline").Count(p => p.Attribute("stroke")?.Value == Palette.Blue)); // the NaN splits the line
        Assert.Single(svg.Descendants(Svg + "image"));
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value == "A <sample> & more");
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value == "three");              // a category label
        Assert.Equal(2, svg.Descendants(Svg + "circle").Count(c => c.Attribute("fill")?.Value == Palette.Blue && c.Attribute("r")?.Value == "4"));
    }

    [Fact]
    public void Two_charts_inlined_in_one_page_use_different_clip_ids()
    {
        var other = Chart.Of("other", new Panel(new LineTrace([0, 1], [0, 1])));
        static IEnumerable<string> Ids(string svg) => XDocument.Parse(svg).Descendants(Svg + "clipPath").Select(c => c.Attribute("id")!.Value);

        Assert.Empty(Ids(Sample().ToSvg()).Intersect(Ids(other.ToSvg())));
        Assert.Equal(3, Ids(Sample().ToSvg()).Distinct().Count());
    }

    [Fact]
    public void Heat_map_cells_take_their_colour_from_the_fixed_scale_not_the_data_range()
    {
        var svg = XDocument.Parse(Sample().ToSvg()).Root!;
        var fills = svg.Descendants(Svg + "rect").Select(r => r.Attribute("fill")?.Value).ToList();

        // 0.5 on a 0..1 scale is the middle of the ramp; 2 is above the scale's top and clamps to it.
        Assert.Contains(ColorScale.Hot.At(0.5), fills);
        Assert.Equal(2, fills.Count(f => f == ColorScale.Hot.At(1)));
        Assert.DoesNotContain(fills, f => f == ColorScale.Hot.At(0.25));
    }

    [Fact]
    public void The_plotly_figure_keeps_the_fixed_scale_and_puts_each_panel_on_its_own_axes()
    {
        var figure = JsonNode.Parse(Sample().ToPlotlyJson())!;
        var data = figure["data"]!.AsArray();
        var layout = figure["layout"]!;

        var heatmap = data.Single(t => (string?)t!["type"] == "heatmap")!;
        Assert.Equal(0, (double)heatmap["zmin"]!);
        Assert.Equal(1, (double)heatmap["zmax"]!);
        Assert.False((bool)heatmap["zauto"]!);
        Assert.Equal("x3", (string?)heatmap["xaxis"]);
        Assert.Equal("image", (string?)data.Single(t => (string?)t!["xaxis"] == "x3" && (string?)t["type"] != "heatmap")!["type"]);
        // The line's NaN is a gap (null), so plotly.js breaks the line where the SVG does.
        Assert.Null(data[0]!["x"]![2]);
        // Image panels run y downwards, as the photo does.
        var yRange = layout["yaxis3"]!["range"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.True(yRange[0] > yRange[1]);
        Assert.Equal("category", (string?)layout["yaxis2"]!["type"]);
    }

    [Fact]
    public void The_html_embeds_plotly_js_once_and_loads_nothing_from_the_network()
    {
        PlotlyPage.Reset();
        string first = Sample().ToHtml(), second = Sample().ToHtml();

        Assert.Contains($"id=\"{PlotlyPage.ScriptMarker}\"", first, StringComparison.Ordinal);
        Assert.DoesNotContain(PlotlyPage.ScriptMarker, second, StringComparison.Ordinal);
        Assert.True(first.Length > 1_000_000, "the first chart carries plotly.js");
        Assert.DoesNotMatch(@"<script[^>]*\bsrc\s*=", first);
        Assert.DoesNotMatch(@"<script[^>]*\bsrc\s*=", second);
        // Until plotly.js draws, the div shows the static SVG.
        Assert.Contains("<svg xmlns=", second, StringComparison.Ordinal);
        Assert.Contains("Plotly.newPlot", second, StringComparison.Ordinal);
        Assert.Equal("4.1.1", PlotlyPage.PlotlyVersion);
    }

    [Fact]
    public void Histograms_count_every_value_once()
    {
        var bars = Histogram.Of([0, 0.1, 0.5, 0.99, 1], bins: 2, min: 0, max: 1);
        Assert.Equal([2, 3], bars.Values);
        Assert.Equal([0.25, 0.75], bars.X!);

        var lengths = Histogram.OfIntegers([3, 3, 5], normalize: true);
        Assert.Equal([3, 4, 5], lengths.X!);
        Assert.Equal([2 / 3.0, 0, 1 / 3.0], lengths.Values);
    }

    [Fact]
    public void Colour_scales_interpolate_between_their_stops()
    {
        var ramp = ColorScale.Ramp("#ff0000");
        Assert.Equal("#000000", ramp.At(0));
        Assert.Equal("#800000", ramp.At(0.5));
        Assert.Equal("#ff0000", ramp.At(1));
        Assert.Equal("#ff0000", ramp.At(7));     // clamped
        Assert.Equal("#000000", ramp.At(double.NaN));
    }
}
