using System.CommandLine;
using System.Globalization;
using ImageCaptioning.Attention;
using ImageCaptioning.Captioning;
using ImageCaptioning.Configuration;
using ImageCaptioning.Data;
using ImageCaptioning.Evaluation;
using ImageCaptioning.Metrics;
using Spectre.Console;

namespace ImageCaptioning.Cli.Commands;

/// <summary>
/// `evaluate --captions file --split test`: scores captions against a Flickr8k split's references (BLEU-1..4, ROUGE-L,
/// CIDEr-D as coco-caption computes them), prints a table, optionally writes a JSON report. --attention also re-runs the
/// model on each caption and reports the content words' attention statistics (the captions must come from that model).
/// </summary>
internal static class EvaluateCommand
{
    /// <summary>What to evaluate; <see cref="Flickr8kDirectory"/> null means IMAGECAPTIONING_FLICKR8K_DIR.</summary>
    internal sealed record Options(string CaptionsFile, string Split, string? Flickr8kDirectory, string? ReportPath,
        bool Attention = false, string? ModelFolder = null);

    public static Command Create()
    {
        var captions = new Option<string>("--captions")
        {
            Description = "Generated captions: JSON lines {\"image\":\"x.jpg\",\"caption\":\"...\"} or CSV with header image,caption.",
            Required = true,
        };
        var split = new Option<string>("--split") { Description = "Flickr8k split whose references to use.", DefaultValueFactory = _ => "test" };
        split.AcceptOnlyFromAmong([.. Flickr8kReferences.SplitNames]);
        var flickr8k = new Option<string?>("--flickr8k") { Description = $"Flickr8k folder (default: ${CaptioningPaths.Flickr8kDirVariable})." };
        var report = new Option<string?>("--report") { Description = "Write a JSON report (metrics, notes, per-image scores) to this file." };
        var attention = new Option<bool>("--attention")
        {
            Description = "Also measure the attention of the content words (entropy, peak, top-α vs random masking) by re-running the model on each caption and image.",
        };
        var model = new Option<string?>("--model") { Description = $"With --attention: the decoder model folder that wrote the captions (default: models/{Captioner.DefaultModelName})." };
        var command = new Command("evaluate", "Score generated captions against Flickr8k references (BLEU-1..4, ROUGE-L, CIDEr-D).")
        {
            captions, split, flickr8k, report, attention, model,
        };
        command.SetAction((parse, ct) => RunAsync(
            new Options(parse.GetValue(captions)!, parse.GetValue(split)!, parse.GetValue(flickr8k), parse.GetValue(report),
                parse.GetValue(attention), parse.GetValue(model)),
            AnsiConsole.Console, ct));
        return command;
    }

    internal static async Task<int> RunAsync(Options options, IAnsiConsole console, CancellationToken cancellationToken)
    {
        string directory = options.Flickr8kDirectory ?? CaptioningPaths.FromEnvironment().RequireFlickr8kDirectory();
        var dataset = Flickr8kDataset.Load(directory);
        var references = Flickr8kReferences.ForSplit(dataset, Flickr8kReferences.ParseSplit(options.Split));
        var entries = await CaptionsFile.ReadAsync(options.CaptionsFile, cancellationToken);
        foreach (var entry in entries)
        {
            if (!references.ContainsKey(entry.Image))
                throw new CaptionFileException(
                    $"{Path.GetFileName(options.CaptionsFile)} line {entry.Line}: image '{entry.Image}' is not in the Flickr8k {options.Split} split.");
        }

        var evaluation = CaptionEvaluator.EvaluateDetailed(CaptionsFile.ToDictionary(entries), references);
        WriteTable(console, evaluation.Scores, options.Split, references.Count);

        AttentionReport? attention = null;
        if (options.Attention)
        {
            attention = await MeasureAttentionAsync(options.ModelFolder, entries.Select(e => (dataset.ImagePath(e.Image), e.Caption)).ToArray(),
                console, cancellationToken);
            WriteAttentionTable(console, attention);
        }

        if (options.ReportPath is { } reportPath)
        {
            var report = EvaluationReport.Create(evaluation, Path.GetFullPath(options.CaptionsFile), options.Split, references.Count, attention);
            await report.WriteAsync(reportPath, cancellationToken);
            console.MarkupLine($"report written to [bold]{Markup.Escape(reportPath)}[/]");
        }
        return 0;
    }

    private static async Task<AttentionReport> MeasureAttentionAsync(string? modelFolder, IReadOnlyList<(string, string)> items,
        IAnsiConsole console, CancellationToken ct)
    {
        using var captioner = await Captioner.CreateAsync(CaptioningPaths.FromEnvironment(), modelFolder, ct: ct);
        console.MarkupLine($"measuring attention: model [bold]{Markup.Escape(captioner.Model.Name)}[/], {items.Count} images");
        try
        {
            AttentionReport? report = null;
            await console.Progress().AutoClear(true).StartAsync(async context =>
            {
                var task = context.AddTask("re-running the decoders", maxValue: items.Count);
                report = await Task.Run(() => AttentionAudit.Run(captioner, items, done => task.Increment(done), ct: ct), ct);
            });
            return report!;
        }
        catch (ArgumentException ex)
        {
            throw new CaptionFileException($"--attention: {ex.Message} Pass the model that wrote the captions with --model.", ex);
        }
    }

    private static void WriteAttentionTable(IAnsiConsole console, AttentionReport attention)
    {
        var table = new Table().AddColumn("attention (content words)").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (name, value) in attention.Rows())
            table.AddRow(Markup.Escape(name), Markup.Escape(value));
        console.Write(table);
        console.MarkupLine($"[grey]{Markup.Escape(AttentionReport.ContentWordRuleText)}; α as each decoder used it, no sharpening.[/]");
    }

    private static void WriteTable(IAnsiConsole console, CaptionScores scores, string split, int imagesInSplit)
    {
        console.MarkupLine($"Flickr8k {split} split: [bold]{scores.Images} of {imagesInSplit}[/] images captioned");
        var table = new Table()
            .AddColumn("metric")
            .AddColumn(new TableColumn("score").RightAligned());
        foreach (var (name, value) in scores.Values)
            table.AddRow(name, value.ToString("F4", CultureInfo.InvariantCulture));
        console.Write(table);
        if (scores.Images < imagesInSplit)
            console.MarkupLine($"[yellow]only {scores.Images} of the {imagesInSplit} {split} images have a caption; the scores cover those images.[/]");
        console.MarkupLine($"[grey]{Markup.Escape(CaptionScores.OmittedMetricsNote)}[/]");
    }
}
