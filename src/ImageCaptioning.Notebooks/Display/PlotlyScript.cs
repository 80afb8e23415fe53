using System.Text.RegularExpressions;
using Plotly.NET;

namespace ImageCaptioning.Notebooks.Display;

/// <summary>
/// The plotly.js that Plotly.NET embeds (as a resource of Plotly.NET.dll), so rendered notebooks work offline, and
/// the CDN tag notebook outputs use instead (a notebook file should not carry 3.5 MB of JavaScript per chart).
/// </summary>
public static partial class PlotlyScript
{
    private static readonly Lazy<string> ResourceName = new(() =>
        typeof(GenericChart).Assembly.GetManifestResourceNames().SingleOrDefault(n => PlotlyResource().IsMatch(n))
        ?? throw new InvalidOperationException("Plotly.NET.dll does not embed plotly.min.js."));

    /// <summary>The plotly.js version Plotly.NET was built for, e.g. <c>2.28.0</c>.</summary>
    public static string Version => PlotlyResource().Match(ResourceName.Value).Groups["version"].Value;

    /// <summary>The file name the offline copy is written under, e.g. <c>plotly-2.28.0.min.js</c>.</summary>
    public static string FileName => $"plotly-{Version}.min.js";

    /// <summary>The script tag that loads this plotly.js version from Plotly's CDN (what notebook outputs carry).</summary>
    public static string CdnScriptTag => $"<script src=\"https://cdn.plot.ly/{FileName}\" charset=\"utf-8\"></script>";

    /// <summary>Writes the embedded plotly.min.js into <paramref name="directory"/> (once) and returns its path.</summary>
    public static string WriteTo(string directory)
    {
        string path = Path.Combine(directory, FileName);
        using var resource = typeof(GenericChart).Assembly.GetManifestResourceStream(ResourceName.Value)!;
        if (File.Exists(path) && new FileInfo(path).Length == resource.Length)
            return path;
        Directory.CreateDirectory(directory);
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        using (var file = File.Create(temporary))
            resource.CopyTo(file);
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    [GeneratedRegex(@"plotly-(?<version>\d+\.\d+\.\d+)\.min\.js$")]
    private static partial Regex PlotlyResource();
}
