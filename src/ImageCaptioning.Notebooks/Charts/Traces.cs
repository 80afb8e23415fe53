namespace ImageCaptioning.Notebooks.Charts;

/// <summary>One layer of a <see cref="Panel"/>: what plotly.js calls a trace. Colours are explicit so the interactive
/// chart and its static SVG look the same.</summary>
public abstract record Trace
{
    /// <summary>Legend entry; null = not in the legend.</summary>
    public string? Name { get; init; }
}

/// <summary>A polyline through (X, Y); a NaN in either breaks the line (several segments in one trace).</summary>
public sealed record LineTrace(double[] X, double[] Y) : Trace
{
    public string Color { get; init; } = Palette.Blue;
    public bool Markers { get; init; }
    public double Width { get; init; } = 2;
    public bool Dashed { get; init; }
}

/// <summary>Markers with a text label beside each (the beam tree's nodes).</summary>
public sealed record PointsTrace(double[] X, double[] Y, string[] Labels) : Trace
{
    public string Color { get; init; } = Palette.Blue;
    public double Size { get; init; } = 8;
    /// <summary>Per-point colours (overrides <see cref="Color"/>).</summary>
    public string[]? Colors { get; init; }
}

/// <summary>Bars. Either <see cref="Categories"/> (one bar per label) or numeric <see cref="X"/> centres with a
/// <see cref="BarWidth"/> (a histogram). Horizontal bars put the categories on the y axis.</summary>
public sealed record BarTrace(double[] Values) : Trace
{
    public string[]? Categories { get; init; }
    public double[]? X { get; init; }
    public double BarWidth { get; init; } = 1;
    public bool Horizontal { get; init; }
    public string Color { get; init; } = Palette.Blue;
    public double Opacity { get; init; } = 1;
    /// <summary>Per-bar colours (overrides <see cref="Color"/>).</summary>
    public string[]? Colors { get; init; }
}

/// <summary>
/// A grid of values [rows, columns] drawn as coloured cells; cell (r, c) is centred at (X0 + c·Dx, Y0 + r·Dy).
/// ZMin/ZMax fix the colour scale (never stretched per map, so maps with the same limits compare).
/// </summary>
public sealed record HeatmapTrace(double[,] Z, double ZMin, double ZMax) : Trace
{
    public ColorScale Scale { get; init; } = ColorScale.Viridis;
    public double X0 { get; init; }
    public double Y0 { get; init; }
    public double Dx { get; init; } = 1;
    public double Dy { get; init; } = 1;
    public double Opacity { get; init; } = 1;
    public bool ShowScale { get; init; } = true;
    public string? ScaleTitle { get; init; }
}

/// <summary>A picture (a data: URI) whose pixel (x, y) sits at (x, y): image coordinates, y downwards.</summary>
public sealed record ImageTrace(string DataUri, int PixelWidth, int PixelHeight) : Trace;

/// <summary>Trace colours: plotly's default colour way (so charts look familiar), named where a chart picks one.</summary>
public static class Palette
{
    /// <summary>The colour way in plotly's order: the i-th trace of a chart takes <c>Cycle[i % Cycle.Count]</c>.</summary>
    public static IReadOnlyList<string> Cycle { get; } = ["#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3", "#FF6692", "#B6E880"];

    public static string Blue => Cycle[0];
    public static string Red => Cycle[1];
    public static string Green => Cycle[2];
    public static string Purple => Cycle[3];
    public static string Orange => Cycle[4];

    /// <summary>Outside the colour way: a neutral bar beside coloured ones.</summary>
    public const string Grey = "#8c8c8c";
}
