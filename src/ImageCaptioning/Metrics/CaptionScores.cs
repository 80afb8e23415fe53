using System.Globalization;
using System.Text;

namespace ImageCaptioning.Metrics;

/// <summary>
/// The standard caption metrics on coco-caption's scale: BLEU and ROUGE-L in [0, 1], CIDEr-D in [0, 10] (papers often
/// print them ×100). METEOR and SPICE are not computed: they need Java resources not available here.
/// </summary>
public sealed record CaptionScores(double Bleu1, double Bleu2, double Bleu3, double Bleu4, double RougeL, double CiderD, int Images)
{
    /// <summary>Why METEOR and SPICE are missing, for reports.</summary>
    public const string OmittedMetricsNote =
        "METEOR and SPICE are not computed: coco-caption runs them as Java programs with resources (METEOR 1.5's "
        + "paraphrase tables, SPICE's Stanford CoreNLP parser models) that are not available in this project.";

    /// <summary>Metric names and values in the usual reporting order.</summary>
    public IReadOnlyList<(string Name, double Value)> Values =>
    [
        ("BLEU-1", Bleu1), ("BLEU-2", Bleu2), ("BLEU-3", Bleu3), ("BLEU-4", Bleu4), ("ROUGE-L", RougeL), ("CIDEr-D", CiderD),
    ];

    /// <summary>A plain-text two-column table (metric, score with 4 decimals).</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"metric",-8}  {"score",8}");
        foreach (var (name, value) in Values)
            text.AppendLine(CultureInfo.InvariantCulture, $"{name,-8}  {value,8:F4}");
        text.Append(CultureInfo.InvariantCulture, $"{Images} images");
        return text.ToString();
    }

    /// <summary>One line: "BLEU-1 0.6000 | ... | CIDEr-D 0.5000 (1000 images)".</summary>
    public override string ToString() =>
        string.Join(" | ", Values.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Name} {v.Value:F4}")))
        + string.Create(CultureInfo.InvariantCulture, $" ({Images} images)");
}
