using System.CommandLine;
using ImageCaptioning.Configuration;
using ImageCaptioning.Data;
using ImageCaptioning.Metrics;
using ImageCaptioning.Training;
using Spectre.Console;

namespace ImageCaptioning.Cli.Training;

/// <summary>
/// The options `train` and `train-scst` share — data, folders, the loop's settings — with defaults read from the
/// objective's options type, so `--help` and the library cannot disagree.
/// </summary>
internal sealed class TrainingRunArguments
{
    public Option<string?> Features { get; } = new("--features") { Description = "Feature cache from `extract` (default: the newest in the data cache)." };
    public Option<string?> Run { get; } = new("--run") { Description = "Run folder for checkpoints and logs (default data/runs/<out name>); re-running resumes it." };
    public Option<string?> Output { get; }
    public Option<string?> Flickr8k { get; } = new("--flickr8k") { Description = "Flickr8k folder (default $IMAGECAPTIONING_FLICKR8K_DIR)." };
    public Option<int> Epochs { get; }
    public Option<float> LearningRate { get; }
    public Option<int> Warmup { get; }
    public Option<float> Coverage { get; }
    public Option<float> AttentionEntropy { get; }
    public Option<bool> AttentionEntropyContentWords { get; } = new("--attention-entropy-content-words")
    {
        Description = "Count only the steps that predict a content word in the attention-entropy penalty (the words `evaluate --attention` measures).",
    };
    public Option<float> WeightDecay { get; }
    public Option<float> AverageDecay { get; }
    public Option<int> EvaluateEvery { get; }
    public Option<int> Patience { get; }
    public Option<double?> MaxMinutes { get; } = new("--max-minutes") { Description = "Stop (resumably) after this much time." };
    public Option<long?> MaxSteps { get; } = new("--max-steps") { Description = "Stop (resumably) after this many steps in total." };
    public Option<int?> TrainImages { get; } = new("--train-images") { Description = "Use only the first N training images." };
    public Option<int?> DevImages { get; } = new("--dev-images") { Description = "Score only the first N dev images." };
    public Option<int> DevBeam { get; } = new("--dev-beam") { Description = "Beam width of the dev captions.", DefaultValueFactory = _ => DevSetEvaluator.DefaultBeamWidth };
    public Option<int> Seed { get; }
    public Option<string?> ExtraCaptions { get; } = new("--extra-captions")
    {
        Description = "More training captions, as `evaluate --captions` reads them (e.g. `caption --jsonl` of a stronger model on the train images): added to each image's own (train images only).",
    };
    public Option<int> ExtraCaptionCopies { get; } = new("--extra-caption-copies") { Description = "Times each extra caption is added.", DefaultValueFactory = _ => 1 };

    /// <param name="defaults">A fresh options object of the objective: its values are the options' defaults.</param>
    /// <param name="defaultModelName">The model folder under models/ that --out defaults to.</param>
    public TrainingRunArguments(TrainingRunOptions defaults, string defaultModelName)
    {
        Output = new("--out") { Description = $"Where the best model goes (default models/{defaultModelName})." };
        Epochs = new("--epochs") { DefaultValueFactory = _ => defaults.Epochs };
        LearningRate = new("--lr") { DefaultValueFactory = _ => defaults.LearningRate };
        Warmup = new("--warmup") { Description = "Warm-up steps of the learning rate.", DefaultValueFactory = _ => defaults.WarmupSteps };
        Coverage = new("--coverage") { Description = "λ of the attention regulariser.", DefaultValueFactory = _ => defaults.CoverageLambda };
        AttentionEntropy = new("--attention-entropy")
        {
            Description = "μ of the attention-entropy penalty: μ × mean normalised entropy of α over predicted words (0 = off).",
            DefaultValueFactory = _ => defaults.AttentionEntropy,
        };
        WeightDecay = new("--weight-decay") { Description = "Decoupled (AdamW) weight decay on weight matrices.", DefaultValueFactory = _ => defaults.WeightDecay };
        AverageDecay = new("--average-decay")
        {
            Description = "Keep a moving average of the weights (avg = d·avg + (1−d)·weights after each step, from the starting weights); dev scores, the saved model and export-checkpoint use it (0 = off).",
            DefaultValueFactory = _ => defaults.AverageDecay,
        };
        EvaluateEvery = new("--eval-every") { Description = "Score dev every N steps (0 = each epoch).", DefaultValueFactory = _ => defaults.EvaluateEverySteps };
        Patience = new("--patience") { Description = "Dev evaluations without a better BLEU-4 before stopping.", DefaultValueFactory = _ => defaults.Patience };
        Seed = new("--seed") { DefaultValueFactory = _ => defaults.Seed };
        _defaultModelName = defaultModelName;
    }

    private readonly string _defaultModelName;

    public IEnumerable<Option> All =>
        [Features, Run, Output, Flickr8k, Epochs, LearningRate, Warmup, Coverage, AttentionEntropy, AttentionEntropyContentWords, WeightDecay, AverageDecay, EvaluateEvery, Patience,
         MaxMinutes, MaxSteps, TrainImages, DevImages, DevBeam, Seed, ExtraCaptions, ExtraCaptionCopies];

    /// <summary><paramref name="options"/> with the loop's settings from the command line, validated.</summary>
    /// <exception cref="Errors.ImageCaptioningException">A setting the run cannot use.</exception>
    public T Apply<T>(ParseResult parse, T options) where T : TrainingRunOptions
    {
        var applied = (T)(options with
        {
            Epochs = parse.GetValue(Epochs), LearningRate = parse.GetValue(LearningRate), WarmupSteps = parse.GetValue(Warmup),
            CoverageLambda = parse.GetValue(Coverage), AttentionEntropy = parse.GetValue(AttentionEntropy),
            AttentionEntropyOnContentWords = parse.GetValue(AttentionEntropyContentWords), WeightDecay = parse.GetValue(WeightDecay),
            AverageDecay = parse.GetValue(AverageDecay), EvaluateEverySteps = parse.GetValue(EvaluateEvery),
            Patience = parse.GetValue(Patience), MaxMinutes = parse.GetValue(MaxMinutes), MaxSteps = parse.GetValue(MaxSteps),
            TrainImageLimit = parse.GetValue(TrainImages), Seed = parse.GetValue(Seed),
            ExtraCaptions = parse.GetValue(ExtraCaptions) is { } extra ? Path.GetFileName(extra) : null, ExtraCaptionCopies = parse.GetValue(ExtraCaptionCopies),
        });
        try { applied.Validate(); }
        catch (ArgumentException ex) { throw new Errors.ImageCaptioningException(ex.Message); }
        return applied;
    }

    /// <summary>The data and folders of a run, from the command line and the environment.</summary>
    public sealed record Setup(Flickr8kDataset Dataset, string OutputDirectory, string RunDirectory, string FeatureCachePath, CaptioningPaths Paths);

    public Setup Prepare(ParseResult parse)
    {
        var paths = CaptioningPaths.FromEnvironment();
        string flickrDir = parse.GetValue(Flickr8k) ?? paths.RequireFlickr8kDirectory();
        var dataset = Flickr8kDataset.Load(flickrDir, message => AnsiConsole.MarkupLineInterpolated($"[grey]{message}[/]"));
        if (parse.GetValue(ExtraCaptions) is { } extraPath)
        {
            if (!File.Exists(extraPath)) throw new Errors.ImageCaptioningException($"The extra captions file '{extraPath}' does not exist.");
            var entries = CaptionsFile.ReadAsync(extraPath).GetAwaiter().GetResult();
            dataset = dataset.WithExtraTrainCaptions(entries.Select(e => (e.Image, e.Caption, e.Line)), parse.GetValue(ExtraCaptionCopies), extraPath);
            AnsiConsole.MarkupLineInterpolated($"[grey]{entries.Count:N0} extra training captions from {extraPath}, {parse.GetValue(ExtraCaptionCopies)}× each[/]");
        }
        string outDir = parse.GetValue(Output) ?? Path.Combine(paths.ShippedModelsDirectory, _defaultModelName);
        string runDir = parse.GetValue(Run) ?? Path.Combine(paths.DataCacheDirectory, "..", "runs", Path.GetFileName(outDir));
        return new Setup(dataset, outDir, runDir, parse.GetValue(Features) ?? NewestFeatureCache(paths), paths);
    }

    /// <summary>A dev evaluator on the first --dev-images dev images at --dev-beam.</summary>
    public DevSetEvaluator DevEvaluator(ParseResult parse, Flickr8kDataset dataset, IGridSource grids, Vocabulary vocabulary) =>
        new(Limit(dataset.Split(DatasetSplit.Dev), parse.GetValue(DevImages)), dataset.Captions, grids, vocabulary, parse.GetValue(DevBeam));

    /// <summary>Prints how the run ended.</summary>
    public static void PrintResult(TrainingRun.Result result)
    {
        var state = result.State;
        string best = state.BestStep < 0 ? "no dev score yet" : $"best dev BLEU-4 {state.BestDevBleu4:F4} at epoch {state.BestEpoch} (step {state.BestStep})";
        AnsiConsole.MarkupLineInterpolated($"[green]{result.StopReason}[/]: step {state.Step}, {best}, last epoch {result.SecondsPerEpoch / 60:F1} min");
    }

    public static IReadOnlyList<string> Limit(IReadOnlyList<string> images, int? limit) =>
        limit is { } n ? images.Take(n).ToList() : images;

    /// <summary>The most recently written feature cache in the data cache folder.</summary>
    private static string NewestFeatureCache(CaptioningPaths paths)
    {
        var newest = Directory.Exists(paths.DataCacheDirectory)
            ? new DirectoryInfo(paths.DataCacheDirectory).GetFiles("*.f16bin").OrderByDescending(f => f.LastWriteTimeUtc).FirstOrDefault()
            : null;
        return newest?.FullName ?? throw new Errors.ImageCaptioningException(
            $"No feature cache in '{paths.DataCacheDirectory}': run `extract --split all` first, or pass --features.");
    }
}
