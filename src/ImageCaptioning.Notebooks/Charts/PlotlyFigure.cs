using System.Text.Json.Nodes;

namespace ImageCaptioning.Notebooks.Charts;

/// <summary>Builds the plotly.js figure (data + layout) of a <see cref="Chart"/>. Axis ranges and panel positions
/// come from the same <see cref="AxisScale"/> / <see cref="PlotArea"/> as the SVG, so the two renderings agree.</summary>
internal static class PlotlyFigure
{
    public static JsonObject Build(Chart chart)
    {
        var data = new JsonArray();
        var annotations = new JsonArray
        {
            Text(chart.Title, 0.5, 1 - 8.0 / chart.Height, "center", "top", 16),
        };
        var layout = new JsonObject
        {
            ["width"] = chart.Width,
            ["height"] = chart.Height,
            ["margin"] = new JsonObject { ["l"] = 0, ["r"] = 0, ["t"] = 0, ["b"] = 0 },
            ["font"] = new JsonObject { ["family"] = "sans-serif", ["size"] = 12 },
            ["paper_bgcolor"] = "white",
            ["plot_bgcolor"] = "white",
            ["hovermode"] = "closest",
            ["barmode"] = chart.Panels.SelectMany(p => p.Traces).OfType<BarTrace>().Any(b => b.Opacity < 1) ? "overlay" : "group",
            ["showlegend"] = chart.ShowLegend && chart.Panels.SelectMany(p => p.Traces).Any(t => t.Name is not null),
            ["legend"] = new JsonObject { ["x"] = 1, ["xanchor"] = "right", ["y"] = 1 - (Chart.TitleHeight + PlotArea.MarginTop) / (double)chart.Height, ["bgcolor"] = "rgba(255,255,255,0.7)" },
        };
        for (int k = 0; k < chart.Panels.Count; k++)
        {
            var panel = chart.Panels[k];
            var area = PlotArea.Of(chart, k);
            string suffix = k == 0 ? "" : (k + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var x = AxisScale.ForX(panel);
            var y = AxisScale.ForY(panel);
            layout["xaxis" + suffix] = Axis(x, panel.XTitle, [area.Left / chart.Width, area.Right / chart.Width], "y" + suffix, panel.HideAxes, reversed: false);
            layout["yaxis" + suffix] = Axis(y, panel.YTitle, [1 - area.Bottom / chart.Height, 1 - area.Top / chart.Height], "x" + suffix, panel.HideAxes, panel.ReversedY);
            if (panel.Title is not null)
                annotations.Add(Text(panel.Title, (area.Left + area.Right) / 2 / chart.Width, 1 - (area.Top - 4) / chart.Height, "center", "bottom", 13));
            foreach (var trace in panel.Traces)
            {
                var json = TraceJson(trace, area, chart);
                json["xaxis"] = "x" + suffix;
                json["yaxis"] = "y" + suffix;
                if (trace.Name is not null)
                    json["name"] = trace.Name;
                json["showlegend"] = trace.Name is not null;
                data.Add(json);
            }
        }
        layout["annotations"] = annotations;
        return new JsonObject { ["data"] = data, ["layout"] = layout };
    }

    private static JsonObject Axis(AxisScale scale, string? title, double[] domain, string anchor, bool hidden, bool reversed)
    {
        double a = scale.Log ? Math.Log10(scale.Min) : scale.Min, b = scale.Log ? Math.Log10(scale.Max) : scale.Max;
        var axis = new JsonObject
        {
            ["domain"] = Numbers(domain),
            ["anchor"] = anchor,
            ["range"] = Numbers(reversed ? [b, a] : [a, b]),
            ["type"] = scale.Categories is not null ? "category" : scale.Log ? "log" : "linear",
            ["visible"] = !hidden,
            ["zeroline"] = false,
            ["showline"] = true,
            ["linecolor"] = "#444",
            ["gridcolor"] = "#e5e5e5",
            ["ticks"] = "outside",
        };
        if (scale.Categories is not null)
        {
            axis["categoryorder"] = "array";
            axis["categoryarray"] = Strings(scale.Categories);
        }
        if (title is not null)
            axis["title"] = new JsonObject { ["text"] = title };
        return axis;
    }

    private static JsonObject TraceJson(Trace trace, PlotArea area, Chart chart) => trace switch
    {
        LineTrace l => new JsonObject
        {
            ["type"] = "scatter",
            ["mode"] = l.Markers ? "lines+markers" : "lines",
            ["x"] = Numbers(l.X),
            ["y"] = Numbers(l.Y),
            ["connectgaps"] = false,
            ["line"] = new JsonObject { ["color"] = l.Color, ["width"] = l.Width, ["dash"] = l.Dashed ? "dash" : "solid" },
            ["marker"] = new JsonObject { ["color"] = l.Color, ["size"] = 6 },
        },
        PointsTrace p => new JsonObject
        {
            ["type"] = "scatter",
            ["mode"] = "markers+text",
            ["x"] = Numbers(p.X),
            ["y"] = Numbers(p.Y),
            ["text"] = Strings(p.Labels),
            ["textposition"] = "middle right",
            ["textfont"] = new JsonObject { ["size"] = 11 },
            ["hoverinfo"] = "text",
            ["marker"] = new JsonObject { ["color"] = p.Colors is null ? p.Color : Strings(p.Colors), ["size"] = p.Size },
        },
        BarTrace b => Bar(b),
        HeatmapTrace h => Heatmap(h, area, chart),
        ImageTrace i => new JsonObject
        {
            ["type"] = "image",
            ["source"] = i.DataUri,
            ["x0"] = 0, ["y0"] = 0, ["dx"] = 1, ["dy"] = 1,
            ["hoverinfo"] = "skip",
        },
        _ => throw new NotSupportedException(trace.GetType().Name),
    };

    private static JsonObject Bar(BarTrace b)
    {
        JsonNode positions = b.Categories is not null ? Strings(b.Categories) : Numbers(b.X ?? Enumerable.Range(0, b.Values.Length).Select(i => (double)i).ToArray());
        var json = new JsonObject
        {
            ["type"] = "bar",
            ["orientation"] = b.Horizontal ? "h" : "v",
            [b.Horizontal ? "y" : "x"] = positions,
            [b.Horizontal ? "x" : "y"] = Numbers(b.Values),
            ["opacity"] = b.Opacity,
            ["marker"] = new JsonObject { ["color"] = b.Colors is null ? b.Color : Strings(b.Colors) },
        };
        if (b.X is not null)
            json["width"] = b.BarWidth;
        return json;
    }

    private static JsonObject Heatmap(HeatmapTrace h, PlotArea area, Chart chart)
    {
        int rows = h.Z.GetLength(0), columns = h.Z.GetLength(1);
        var z = new JsonArray();
        for (int r = 0; r < rows; r++)
            z.Add(Numbers(Enumerable.Range(0, columns).Select(c => h.Z[r, c]).ToArray()));
        var json = new JsonObject
        {
            ["type"] = "heatmap",
            ["z"] = z,
            ["x0"] = h.X0, ["dx"] = h.Dx, ["y0"] = h.Y0, ["dy"] = h.Dy,
            ["zmin"] = h.ZMin, ["zmax"] = h.ZMax, ["zauto"] = false,
            ["opacity"] = h.Opacity,
            ["colorscale"] = new JsonArray(h.Scale.Stops.Select(s => (JsonNode)new JsonArray(s.At, s.Color)).ToArray()),
            ["showscale"] = h.ShowScale,
        };
        if (h.ShowScale)
            json["colorbar"] = new JsonObject
            {
                ["x"] = (area.Right + 10) / chart.Width, ["xanchor"] = "left",
                ["y"] = 1 - (area.Top + area.Bottom) / 2 / chart.Height, ["yanchor"] = "middle",
                ["len"] = area.Height / chart.Height, ["thickness"] = 14,
                ["title"] = new JsonObject { ["text"] = h.ScaleTitle ?? "", ["side"] = "right" },
            };
        return json;
    }

    private static JsonObject Text(string text, double x, double y, string xAnchor, string yAnchor, int size) => new()
    {
        ["text"] = text, ["x"] = x, ["y"] = y, ["xref"] = "paper", ["yref"] = "paper",
        ["xanchor"] = xAnchor, ["yanchor"] = yAnchor, ["showarrow"] = false, ["font"] = new JsonObject { ["size"] = size },
    };

    /// <summary>Numbers rounded to 6 significant digits (a lighter notebook file); NaN becomes null (a gap).</summary>
    private static JsonArray Numbers(double[] values) =>
        new(values.Select(v => double.IsFinite(v) ? (JsonNode)JsonValue.Create(Round(v)) : null).ToArray());

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    internal static double Round(double v) => v == 0 ? 0 : Math.Round(v, Math.Clamp(5 - (int)Math.Floor(Math.Log10(Math.Abs(v))), 0, 15));
}
