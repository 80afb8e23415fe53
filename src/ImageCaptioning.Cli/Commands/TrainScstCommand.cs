using System.CommandLine;
using ImageCaptioning.Cli.Training;
using ImageCaptioning.Data;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Training;
using ImageCaptioning.Training.SelfCritical;
using Spectre.Console;

namespace ImageCaptioning.Cli.Commands;

/// <summary>
/// `train-scst`: self-critical fine-tuning (CIDEr-D reward) of a trained decoder, the second training stage.
/// Starts from --from (default: the shipped model), writes a new best model to --out whenever dev BLEU-4 beats the
/// starting model's; re-running with the same --run folder resumes from its checkpoint.
/// </summary>
internal static class TrainScstCommand
{
    public static Command Create()
    {
        var defaults = new SelfCriticalOptions();
        var shared = new TrainingRunArguments(defaults, "flickr8k-mobilenetv2-scst");
        var from = new Option<string?>("--from") { Description = "Model folder to start from (default models/flickr8k-mobilenetv2)." };
        var images = new Option<int>("--images-per-batch") { DefaultValueFactory = _ => defaults.ImagesPerBatch };
        var samples = new Option<int>("--samples") { Description = "Captions sampled per image (≥ 2).", DefaultValueFactory = _ => defaults.SamplesPerImage };
        var maxLength = new Option<int>("--max-length") { Description = "Most tokens per sampled caption.", DefaultValueFactory = _ => defaults.MaxLength };
        var temperature = new Option<float>("--temperature") { DefaultValueFactory = _ => defaults.Temperature };
        var dropout = new Option<float>("--dropout") { Description = "Dropout on the deep output in the loss pass.", DefaultValueFactory = _ => defaults.Dropout };
        var baseline = new Option<SelfCriticalBaseline>("--baseline")
        {
            Description = "What a sample's reward is compared with: OtherSamples (mean of the image's other samples) or Greedy (the greedy caption's).",
            DefaultValueFactory = _ => defaults.Baseline,
        };
        var xeWeight = new Option<float>("--xe-weight")
        {
            Description = "Weight w of an added teacher-forced cross-entropy of the step's images' reference captions (0 = pure policy gradient).",
            DefaultValueFactory = _ => defaults.XeWeight,
        };
        var xeSmoothing = new Option<float>("--xe-label-smoothing") { Description = "Label smoothing of that cross-entropy.", DefaultValueFactory = _ => defaults.XeLabelSmoothing };
        var xeReferences = new Option<int>("--xe-references")
        {
            Description = "References per image per step in that cross-entropy (rotating through the image's references by epoch).",
            DefaultValueFactory = _ => defaults.XeReferencesPerImage,
        };
        var unigramPrecision = new Option<float>("--unigram-precision-weight")
        {
            Description = "Weight w of an added clipped unigram precision (BLEU-1 without brevity penalty) in the reward: CIDEr-D + w·P1 (0 = CIDEr-D alone).",
            DefaultValueFactory = _ => defaults.UnigramPrecisionWeight,
        };
        var command = new Command("train-scst", "Fine-tune a trained decoder with self-critical sequence training (CIDEr-D reward; resumable).");
        foreach (Option option in (Option[])[.. shared.All, from, images, samples, maxLength, temperature, dropout, baseline, xeWeight, xeSmoothing, xeReferences, unigramPrecision]) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var options = shared.Apply(parse, new SelfCriticalOptions
            {
                ImagesPerBatch = parse.GetValue(images), SamplesPerImage = parse.GetValue(samples), MaxLength = parse.GetValue(maxLength),
                Temperature = parse.GetValue(temperature), Dropout = parse.GetValue(dropout), Baseline = parse.GetValue(baseline),
                XeWeight = parse.GetValue(xeWeight), XeLabelSmoothing = parse.GetValue(xeSmoothing), XeReferencesPerImage = parse.GetValue(xeReferences),
                UnigramPrecisionWeight = parse.GetValue(unigramPrecision),
            });
            var setup = shared.Prepare(parse);
            string fromDir = parse.GetValue(from) ?? Path.Combine(setup.Paths.ShippedModelsDirectory, "flickr8k-mobilenetv2");
            if (Path.GetFullPath(fromDir) == Path.GetFullPath(setup.OutputDirectory))
                throw new Errors.ImageCaptioningException("--out must differ from --from: the starting model is kept until a better one is chosen.");
            Directory.CreateDirectory(setup.RunDirectory);

            var start = DecoderModel.Load(fromDir);
            string recordPath = Path.Combine(fromDir, TrainedModelWriter.TrainingRecordFile);
            string? baseRecord = File.Exists(recordPath) ? File.ReadAllText(recordPath) : null;
            using var cache = FeatureCache.Open(setup.FeatureCachePath);
            var grids = new FeatureCacheGridSource(cache);

            var trainList = setup.Dataset.Split(DatasetSplit.Train);
            AnsiConsole.MarkupLineInterpolated($"[grey]counting the n-grams of {trainList.Count:N0} training images' references for the CIDEr-D reward…[/]");
            var reward = new CiderDCaptionReward(trainList.ToDictionary(i => i, i => setup.Dataset.Captions[i], StringComparer.Ordinal),
                options.UnigramPrecisionWeight);
            var model = new TrainableDecoder(start.Parameters);
            var devEvaluator = shared.DevEvaluator(parse, setup.Dataset, grids, start.Vocabulary);
            DevScores EvaluateDev(AttentionDecoder decoder)
            {
                var scores = devEvaluator.Evaluate(decoder);
                foreach (var (image, caption) in devEvaluator.LastCaptions.Take(4))
                    AnsiConsole.MarkupLineInterpolated($"[grey]  dev {image}: {caption}[/]");
                return scores;
            }
            // The references of the cross-entropy term, tokenised as the cross-entropy stage does (only when the term is on).
            var references = options.XeWeight > 0
                ? TrainingSet.Create(trainList, setup.Dataset.Captions, start.Vocabulary, grids, new TrainingOptions().MaxCaptionWords).Examples
                    .GroupBy(e => e.Image, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => (IReadOnlyList<int[]>)g.Select(e => e.Words).ToArray(), StringComparer.Ordinal)
                : null;
            var objective = new SelfCriticalObjective(model, start.Vocabulary, trainList, grids, reward, options, references);
            var run = new TrainingRun(objective, setup.RunDirectory, EvaluateDev,
                (scores, state) => TrainedModelWriter.SaveSelfCritical(setup.OutputDirectory, model.Parameters, start.Vocabulary, options, scores, state.Step, setup.RunDirectory, baseRecord));
            AnsiConsole.MarkupLineInterpolated(
                $"self-critical fine-tuning of {fromDir}: {objective.ImageCount:N0} images × {options.SamplesPerImage} samples, {objective.BatchesPerEpoch} steps per epoch; run folder {setup.RunDirectory}; best model → {setup.OutputDirectory}");

            TrainingRunArguments.PrintResult(StopSignals.Run(token => run.Run(new TrainingConsole(objective.Log.SummaryLabel), token)));
            return 0;
        });
        return command;
    }
}
