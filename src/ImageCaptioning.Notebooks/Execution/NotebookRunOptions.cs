namespace ImageCaptioning.Notebooks.Execution;

/// <summary>What <see cref="NotebookRunner"/> does besides running the cells.</summary>
public sealed record NotebookRunOptions
{
    /// <summary>
    /// Where the executed notebook (<c>name.ipynb</c>, with outputs), its HTML rendering (<c>name.html</c>) and the
    /// offline plotly.js go; null = write nothing. Written whether or not a cell failed, so a failure can be read there.
    /// </summary>
    public string? OutputDirectory { get; init; }

    /// <summary>After a fully successful run, overwrite the source notebook with the executed one (outputs included).</summary>
    public bool UpdateSourceNotebook { get; init; }

    /// <summary>The NuGet global packages folder for <c>#r "nuget: …"</c> the host lacks; null = the default.</summary>
    public string? NuGetCacheDirectory { get; init; }

    /// <summary>Receives one line per executed cell (number, time, outputs) and per resolved reference.</summary>
    public Action<string>? Log { get; init; }
}
