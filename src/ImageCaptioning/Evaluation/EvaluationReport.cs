using System.Text.Json;
using System.Text.Json.Serialization;
using ImageCaptioning.Attention;
using ImageCaptioning.Metrics;

namespace ImageCaptioning.Evaluation;

/// <summary>
/// The JSON report of an evaluation: corpus metrics, what was evaluated and how, and every image's scores (for best and
/// worst captions); with <c>evaluate --attention</c> also the content words' attention statistics.
/// </summary>
public sealed record EvaluationReport(
    string CaptionsFile,
    string Split,
    int ImagesScored,
    int ImagesInSplit,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, string> OmittedMetrics,
    string Tokenizer,
    IReadOnlyList<EvaluationReport.ImageEntry> PerImage,
    AttentionReport? Attention = null)
{
    /// <summary>How captions were tokenised, stated in the report.</summary>
    public const string TokenizerNote =
        "coco-caption's PTB tokenisation re-implemented in C# (lower-case, punctuation tokens removed, CoreNLP's "
        + "default British-to-American respelling); scorers match pycocoevalcap's BLEU (closest reference length), "
        + "ROUGE-L (beta 1.2) and CIDEr-D (sigma 6, document frequencies from the evaluated images' references).";

    /// <summary>One image's caption and scores.</summary>
    public sealed record ImageEntry(string Image, string Caption, string Tokens, double Bleu4, double RougeL, double CiderD);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Builds the report of <paramref name="evaluation"/>.</summary>
    public static EvaluationReport Create(CaptionEvaluation evaluation, string captionsFile, string split, int imagesInSplit,
        AttentionReport? attention = null)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        return new EvaluationReport(
            captionsFile,
            split,
            evaluation.Scores.Images,
            imagesInSplit,
            evaluation.Scores.Values.ToDictionary(v => v.Name, v => v.Value),
            new Dictionary<string, string>
            {
                ["METEOR"] = "needs METEOR 1.5 (Java) and its paraphrase tables, which are not available here",
                ["SPICE"] = "needs SPICE (Java) and Stanford CoreNLP parser models, which are not available here",
                ["note"] = CaptionScores.OmittedMetricsNote,
            },
            TokenizerNote,
            evaluation.PerImage
                .Select(p => new ImageEntry(p.ImageId, p.Caption, string.Join(' ', p.Tokens), p.Bleu.Bleu4, p.RougeL, p.CiderD))
                .ToArray(),
            attention);
    }

    /// <summary>The report as indented JSON (camelCase names).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Writes the report to <paramref name="path"/> (creating its folder).</summary>
    public async Task WriteAsync(string path, CancellationToken cancellationToken = default)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
            Directory.CreateDirectory(folder);
        await using var stream = File.Create(path);
        await JsonSerializer.SerializeAsync(stream, this, JsonOptions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a report written by <see cref="WriteAsync"/>.</summary>
    public static async Task<EvaluationReport> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<EvaluationReport>(stream, JsonOptions, cancellationToken).ConfigureAwait(false)
            ?? throw new CaptionFileException($"The report '{path}' is empty.");
    }
}
