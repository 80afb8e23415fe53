using System.Globalization;
using System.Text.RegularExpressions;

namespace ImageCaptioning.Web.Hosting;

/// <summary>
/// The measured caption quality a model folder's MODEL_CARD.md reports, for <c>GET /api/model</c> and the
/// page: every markdown table row whose first cell names a caption metric (BLEU-1…4, METEOR, ROUGE-L,
/// CIDEr, CIDEr-D, SPICE) and whose next cell holds a number. The card stays the authority; this only
/// lifts the numbers out of it.
/// </summary>
public sealed partial record ModelCardSummary(string? Title, IReadOnlyDictionary<string, double> Metrics)
{
    public const string FileName = "MODEL_CARD.md";

    public static ModelCardSummary Empty { get; } = new(null, new Dictionary<string, double>());

    public static async Task<ModelCardSummary> ReadAsync(string modelFolder, CancellationToken ct)
    {
        string path = Path.Combine(modelFolder, FileName);
        return File.Exists(path) ? Parse(await File.ReadAllTextAsync(path, ct)) : Empty;
    }

    public static ModelCardSummary Parse(string markdown)
    {
        string? title = null;
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string raw in markdown.Split('\n'))
        {
            string line = raw.Trim();
            if (title is null && line.StartsWith("# ", StringComparison.Ordinal))
                title = line[2..].Trim();
            if (!line.StartsWith('|'))
                continue;
            string[] cells = line.Trim('|').Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length < 2 || MetricName().Match(cells[0].Replace("*", "")) is not { Success: true } name)
                continue;
            // Only the cell right after the name is this model's value; columns further right (e.g. a paper's) are not.
            if (double.TryParse(cells[1].Replace("*", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                metrics.TryAdd(Canonical(name.Value), value);
        }
        return new ModelCardSummary(title, metrics);
    }

    private static string Canonical(string name) => name.ToUpperInvariant() switch
    {
        "CIDER" => "CIDEr",
        "CIDER-D" => "CIDEr-D",
        var upper => upper,
    };

    [GeneratedRegex(@"^(BLEU-[1-4]|METEOR|ROUGE-L|CIDEr-D|CIDEr|SPICE)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MetricName();
}
