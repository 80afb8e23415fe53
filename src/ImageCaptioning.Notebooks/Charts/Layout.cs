namespace ImageCaptioning.Notebooks.Charts;

/// <summary>Where each panel's plot area sits, in pixels of the whole figure — shared by the plotly layout (as paper
/// fractions) and the SVG, so both renderings put things in the same place.</summary>
internal readonly record struct PlotArea(double Left, double Top, double Width, double Height)
{
    public double Right => Left + Width;
    public double Bottom => Top + Height;

    public const double MarginLeft = 64, MarginRight = 16, ScaleRoom = 78, MarginTop = 30, MarginBottom = 46;

    public static PlotArea Of(Chart chart, int index)
    {
        var panel = chart.Panels[index];
        int column = index % chart.ColumnCount, row = index / chart.ColumnCount;
        // Category labels on the y axis (horizontal bars) need room for the longest label.
        double labels = panel.Traces.OfType<BarTrace>().Any(b => b.Horizontal) && panel.Categories is { Count: > 0 } c
            ? Math.Max(MarginLeft, 16 + 7 * c.Max(l => l.Length)) : MarginLeft;
        double left = column * chart.PanelWidth + (panel.HideAxes ? 8 : labels);
        double top = Chart.TitleHeight + row * chart.PanelHeight + MarginTop;
        double right = (column + 1) * chart.PanelWidth - MarginRight - (panel.HasScale ? ScaleRoom : 0);
        double bottom = Chart.TitleHeight + (row + 1) * chart.PanelHeight - (panel.HideAxes ? 8 : MarginBottom);
        double width = Math.Max(10, right - left), height = Math.Max(10, bottom - top);
        if (panel.Traces.OfType<ImageTrace>().FirstOrDefault() is { } picture)
        {
            // A picture keeps its aspect ratio: the largest such box that fits, centred in the panel's free width.
            double aspect = picture.PixelWidth / (double)picture.PixelHeight;
            double fitWidth = Math.Min(width, height * aspect);
            left += panel.HasScale ? 0 : (width - fitWidth) / 2;
            (width, height) = (fitWidth, fitWidth / aspect);
        }
        return new PlotArea(left, top, width, height);
    }
}

/// <summary>An axis's data range and the mapping from data to pixels.</summary>
internal sealed record AxisScale(double Min, double Max, bool Log, IReadOnlyList<string>? Categories)
{
    public double Fraction(double value)
    {
        double v = Log ? Math.Log10(Math.Max(value, 1e-300)) : value;
        double a = Log ? Math.Log10(Min) : Min, b = Log ? Math.Log10(Max) : Max;
        return b > a ? (v - a) / (b - a) : 0.5;
    }

    public static AxisScale ForX(Panel panel) => For(panel, horizontal: true);

    public static AxisScale ForY(Panel panel) => For(panel, horizontal: false);

    private static AxisScale For(Panel panel, bool horizontal)
    {
        bool log = horizontal ? panel.XLog : panel.YLog;
        var fixedRange = horizontal ? panel.XRange : panel.YRange;
        var categories = panel.Categories;
        bool barsHorizontal = panel.Traces.OfType<BarTrace>().Any(b => b.Horizontal);
        bool categorical = categories is not null && (horizontal != barsHorizontal);
        if (fixedRange is { } r)
            return new AxisScale(r.Min, r.Max, log, categorical ? categories : null);
        if (categorical)
            return new AxisScale(-0.5, categories!.Count - 0.5, false, categories);

        var values = new List<double>();
        bool exact = false, fromZero = false;
        foreach (var trace in panel.Traces)
        {
            switch (trace)
            {
                case LineTrace l: values.AddRange(horizontal ? l.X : l.Y); break;
                case PointsTrace p: values.AddRange(horizontal ? p.X : p.Y); break;
                case BarTrace b when b.Horizontal == horizontal:
                    values.AddRange(b.Values); fromZero = true; break;
                case BarTrace b when b.X is not null:
                    values.AddRange(b.X.Select(x => x - b.BarWidth / 2)); values.AddRange(b.X.Select(x => x + b.BarWidth / 2)); exact = true; break;
                case HeatmapTrace h:
                    int n = h.Z.GetLength(horizontal ? 1 : 0);
                    double start = horizontal ? h.X0 : h.Y0, step = horizontal ? h.Dx : h.Dy;
                    values.Add(start - step / 2); values.Add(start + (n - 0.5) * step); exact = true; break;
                case ImageTrace i:
                    values.Add(-0.5); values.Add((horizontal ? i.PixelWidth : i.PixelHeight) - 0.5); exact = true; break;
            }
        }
        var finite = values.Where(double.IsFinite).Where(v => !log || v > 0).ToList();
        if (finite.Count == 0)
            return new AxisScale(log ? 1 : 0, log ? 10 : 1, log, null);
        double min = finite.Min(), max = finite.Max();
        if (fromZero) { min = Math.Min(0, min); max = Math.Max(0, max); }
        if (exact && !fromZero)
            return new AxisScale(min, max, log, null);
        if (log)
            return new AxisScale(Math.Pow(10, Math.Log10(min) - 0.05), Math.Pow(10, Math.Log10(max) + 0.05), true, null);
        double pad = max > min ? (max - min) * 0.05 : Math.Max(1, Math.Abs(max) * 0.1);
        return new AxisScale(fromZero && min == 0 ? 0 : min - pad, fromZero && max == 0 ? 0 : max + pad, false, null);
    }

    /// <summary>About <paramref name="count"/> round tick values inside the range (1-2-5 steps; decades for log).</summary>
    public IEnumerable<double> Ticks(int count = 5)
    {
        if (Categories is not null)
        {
            int stride = Math.Max(1, (int)Math.Ceiling(Categories.Count / 25.0));
            for (int i = 0; i < Categories.Count; i += stride)
                yield return i;
            yield break;
        }
        if (Log)
        {
            for (double d = Math.Pow(10, Math.Ceiling(Math.Log10(Min))); d <= Max * 1.0001; d *= 10)
                yield return d;
            yield break;
        }
        double raw = (Max - Min) / count;
        if (!(raw > 0))
            yield break;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        for (double t = Math.Ceiling(Min / step) * step; t <= Max + step * 1e-9; t += step)
            yield return Math.Abs(t) < step * 1e-9 ? 0 : t;
    }

    public string Label(double tick) => Categories is not null
        ? Categories[(int)Math.Round(tick)]
        : tick.ToString(Math.Abs(tick) >= 10000 ? "0.#e0" : "G4", System.Globalization.CultureInfo.InvariantCulture);
}
