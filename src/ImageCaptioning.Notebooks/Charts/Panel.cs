namespace ImageCaptioning.Notebooks.Charts;

/// <summary>One pair of axes and the traces drawn on them (a subplot).</summary>
public sealed record Panel
{
    public Panel(params Trace[] traces) => Traces = traces;

    public IReadOnlyList<Trace> Traces { get; init; }
    public string? Title { get; init; }
    public string? XTitle { get; init; }
    public string? YTitle { get; init; }
    public (double Min, double Max)? XRange { get; init; }
    public (double Min, double Max)? YRange { get; init; }
    public bool XLog { get; init; }
    public bool YLog { get; init; }
    /// <summary>y grows downwards (heat maps of image rows, pictures).</summary>
    public bool YReversed { get; init; }
    /// <summary>No ticks or axis lines (pictures, attention overlays).</summary>
    public bool HideAxes { get; init; }
    /// <summary>Categories on the x axis when bars are vertical, on y when horizontal.</summary>
    internal IReadOnlyList<string>? Categories =>
        Traces.OfType<BarTrace>().FirstOrDefault(b => b.Categories is not null)?.Categories;
    internal bool HasImage => Traces.OfType<ImageTrace>().Any();
    internal bool ReversedY => YReversed || HasImage;
    internal bool HasScale => Traces.OfType<HeatmapTrace>().Any(h => h.ShowScale);
}
