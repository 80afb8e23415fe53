namespace ImageCaptioning.Notebooks.Charts;

/// <summary>
/// A figure for a notebook: one or more <see cref="Panel"/>s in a grid under a title. It knows two renderings of the
/// same data — <see cref="ToHtml"/> (interactive, plotly.js) and <see cref="ToSvg"/> (a static picture) — and the
/// notebooks register both with the kernel's formatter, so every chart output carries both.
/// </summary>
public sealed record Chart
{
    public Chart(string title, params Panel[] panels)
    {
        if (panels.Length == 0)
            throw new ArgumentException("A chart needs at least one panel.", nameof(panels));
        Title = title;
        Panels = panels;
    }

    public string Title { get; init; }
    public IReadOnlyList<Panel> Panels { get; init; }
    /// <summary>Panels per row (default: all in one row).</summary>
    public int Columns { get; init; }
    /// <summary>Size of one panel in pixels, its axes, labels and colour bar included.</summary>
    public int PanelWidth { get; init; } = 700;
    public int PanelHeight { get; init; } = 340;
    public bool ShowLegend { get; init; } = true;

    internal int ColumnCount => Columns > 0 ? Math.Min(Columns, Panels.Count) : Panels.Count;
    internal int RowCount => (Panels.Count + ColumnCount - 1) / ColumnCount;
    internal const int TitleHeight = 36;
    internal int Width => ColumnCount * PanelWidth;
    internal int Height => TitleHeight + RowCount * PanelHeight;

    /// <summary>One panel with these traces.</summary>
    public static Chart Of(string title, Panel panel, int width = 700, int height = 340) =>
        new(title, panel) { PanelWidth = width, PanelHeight = height };

    /// <summary>The plotly.js figure: <c>{"data": [...], "layout": {...}}</c>.</summary>
    public string ToPlotlyJson() => PlotlyFigure.Build(this).ToJsonString();

    /// <summary>A self-contained SVG of the same figure, for viewers that run no scripts.</summary>
    public string ToSvg() => SvgRenderer.Render(this);

    /// <summary>HTML that draws the figure with plotly.js (embedded in the first chart of the notebook, never fetched),
    /// showing the SVG until plotly.js has drawn.</summary>
    public string ToHtml() => PlotlyPage.Render(this);

    public override string ToString() => $"Chart \"{Title}\" ({Panels.Count} panel{(Panels.Count == 1 ? "" : "s")})";
}
