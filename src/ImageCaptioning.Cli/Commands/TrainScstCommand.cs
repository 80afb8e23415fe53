using System.CommandLine;
using ImageCaptioning.Cli.Training;
using ImageCaptioning.Configuration;
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
        var from = new Option<string?>("--from") { Description = "Model folder to start from (default models/flickr8k-mobilenetv2)." };
        var features = new Option<string?>("--features") { Description = "Feature cache from `extract` (default: the newest in the data cache)." };
        var run = new Option<string?>("--run") { Description = "Run folder for checkpoints and logs (default data/runs/<out name>)." };
        var output = new Option<string?>("--out") { Description = "Where the best model goes (default models/flickr8k-mobilenetv2-scst)." };
        var flickr = new Option<string?>("--flickr8k") { Description = "Flickr8k folder (default $IMAGECAPTIONING_FLICKR8K_DIR)." };
        var defaults = new SelfCriticalOptions();
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => defaults.Epochs };
        var images = new Option<int>("--images-per-batch") { DefaultValueFactory = _ => defaults.ImagesPerBatch };
        var samples = new Option<int>("--samples") { Description = "Captions sampled per image (≥ 2).", DefaultValueFactory = _ => defaults.SamplesPerImage };
        var lr = new Option<float>("--lr") { DefaultValueFactory = _ => defaults.LearningRate };
        var warmup = new Option<int>("--warmup") { DefaultValueFactory = _ => defaults.WarmupSteps };
        var maxLength = new Option<int>("--max-length") { Description = "Most tokens per sampled caption.", DefaultValueFactory = _ => defaults.MaxLength };
        var temperature = new Option<float>("--temperature") { DefaultValueFactory = _ => defaults.Temperature };
        var dropout = new Option<float>("--dropout") { Description = "Dropout on the deep output in the loss pass.", DefaultValueFactory = _ => defaults.Dropout };
        var coverage = new Option<float>("--coverage") { Description = "λ of the attention regulariser.", DefaultValueFactory = _ => defaults.CoverageLambda };
        var weightDecay = new Option<float>("--weight-decay") { DefaultValueFactory = _ => defaults.WeightDecay };
        var evalEvery = new Option<int>("--eval-every") { Description = "Score dev every N steps (0 = each epoch).", DefaultValueFactory = _ => defaults.EvaluateEverySteps };
        var patience = new Option<int>("--patience") { Description = "Dev evaluations without a better BLEU-4 before stopping.", DefaultValueFactory = _ => defaults.Patience };
        var maxMinutes = new Option<double?>("--max-minutes") { Description = "Stop (resumably) after this much time." };
        var maxSteps = new Option<long?>("--max-steps") { Description = "Stop (resumably) after this many steps in total." };
        var trainImages = new Option<int?>("--train-images") { Description = "Use only the first N training images." };
        var devImages = new Option<int?>("--dev-images") { Description = "Score only the first N dev images." };
        var devBeam = new Option<int>("--dev-beam") { DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => defaults.Seed };
        var command = new Command("train-scst", "Fine-tune a trained decoder with self-critical sequence training (CIDEr-D reward; resumable).")
        {
            from, features, run, output, flickr, epochs, images, samples, lr, warmup, maxLength, temperature, dropout, coverage,
            weightDecay, evalEvery, patience, maxMinutes, maxSteps, trainImages, devImages, devBeam, seed,
        };
        command.SetAction(parse =>
        {
            var paths = CaptioningPaths.FromEnvironment();
            string flickrDir = parse.GetValue(flickr) ?? paths.RequireFlickr8kDirectory();
            var dataset = Flickr8kDataset.Load(flickrDir, message => AnsiConsole.MarkupLineInterpolated($"[grey]{message}[/]"));
            string fromDir = parse.GetValue(from) ?? Path.Combine(paths.ShippedModelsDirectory, "flickr8k-mobilenetv2");
            string outDir = parse.GetValue(output) ?? Path.Combine(paths.ShippedModelsDirectory, "flickr8k-mobilenetv2-scst");
            string runDir = parse.GetValue(run) ?? Path.Combine(paths.DataCacheDirectory, "..", "runs", Path.GetFileName(outDir));
            if (Path.GetFullPath(fromDir) == Path.GetFullPath(outDir))
                throw new Errors.ImageCaptioningException("--out must differ from --from: the starting model is kept until a better one is chosen.");
            Directory.CreateDirectory(runDir);

            var start = DecoderModel.Load(fromDir);
            string recordPath = Path.Combine(fromDir, TrainedModelWriter.TrainingRecordFile);
            string? baseRecord = File.Exists(recordPath) ? File.ReadAllText(recordPath) : null;
            using var cache = FeatureCache.Open(parse.GetValue(features) ?? TrainCommand.NewestFeatureCache(paths));
            var grids = new FeatureCacheGridSource(cache);
            var options = new SelfCriticalOptions
            {
                Epochs = parse.GetValue(epochs), ImagesPerBatch = parse.GetValue(images), SamplesPerImage = parse.GetValue(samples),
                LearningRate = parse.GetValue(lr), WarmupSteps = parse.GetValue(warmup), MaxLength = parse.GetValue(maxLength),
                Temperature = parse.GetValue(temperature), Dropout = parse.GetValue(dropout), CoverageLambda = parse.GetValue(coverage),
                WeightDecay = parse.GetValue(weightDecay), EvaluateEverySteps = parse.GetValue(evalEvery), Patience = parse.GetValue(patience),
                MaxMinutes = parse.GetValue(maxMinutes), MaxSteps = parse.GetValue(maxSteps), TrainImageLimit = parse.GetValue(trainImages),
                Seed = parse.GetValue(seed),
            };
            try { options.Validate(); }
            catch (ArgumentException ex) { throw new Errors.ImageCaptioningException(ex.Message); }

            var trainList = dataset.Split(DatasetSplit.Train);
            AnsiConsole.MarkupLineInterpolated($"[grey]counting the n-grams of {trainList.Count:N0} training images' references for the CIDEr-D reward…[/]");
            var reward = new CiderDCaptionReward(trainList.ToDictionary(i => i, i => dataset.Captions[i], StringComparer.Ordinal));
            var model = new TrainableDecoder(start.Parameters);
            var devList = TrainCommand.Limit(dataset.Split(DatasetSplit.Dev), parse.GetValue(devImages));
            var devEvaluator = new DevSetEvaluator(devList, dataset.Captions, grids, start.Vocabulary, parse.GetValue(devBeam));
            Trainer.DevScores EvaluateDev(AttentionDecoder decoder)
            {
                var scores = devEvaluator.Evaluate(decoder);
                foreach (var (image, caption) in devEvaluator.LastCaptions.Take(4))
                    AnsiConsole.MarkupLineInterpolated($"[grey]  dev {image}: {caption}[/]");
                return scores;
            }
            var trainer = new SelfCriticalTrainer(model, start.Vocabulary, trainList, grids, reward, options, runDir, EvaluateDev,
                (scores, step) => TrainedModelWriter.SaveSelfCritical(outDir, model.Parameters, start.Vocabulary, options, scores, step, runDir, baseRecord));
            AnsiConsole.MarkupLineInterpolated(
                $"self-critical fine-tuning of {fromDir}: {trainer.ImageCount:N0} images × {options.SamplesPerImage} samples, {trainer.BatchesPerEpoch} steps per epoch; run folder {runDir}; best model → {outDir}");

            var result = StopSignals.Run(token => trainer.Run(new TrainingConsole("reward"), token));
            AnsiConsole.MarkupLineInterpolated(
                $"[green]{result.StopReason}[/]: step {result.State.Step}, best dev BLEU-4 {result.State.BestDevBleu4:F4} at step {result.State.BestStep}");
            return 0;
        });
        return command;
    }
}
