using System.CommandLine;
using ImageCaptioning.Cli.Training;
using ImageCaptioning.Configuration;
using ImageCaptioning.Data;
using ImageCaptioning.Model;
using ImageCaptioning.Training;
using Spectre.Console;

namespace ImageCaptioning.Cli.Commands;

/// <summary>
/// `train`: teacher-forced training of the decoder from the feature cache, with dev BLEU-4 early stopping;
/// the best model is written to the model folder after every improvement. Re-running with the same --run
/// folder resumes from its checkpoint.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var features = new Option<string?>("--features") { Description = "Feature cache from `extract` (default: the newest in the data cache)." };
        var mirroredFeatures = new Option<string?>("--mirrored-features") { Description = "Cache of mirrored images from `extract --mirror`: each caption reads its image mirrored half the time." };
        var vocabPath = new Option<string?>("--vocab") { Description = "Vocabulary JSON (built from the train split when missing)." };
        var run = new Option<string?>("--run") { Description = "Run folder for checkpoints and logs (default data/runs/<model name>)." };
        var output = new Option<string?>("--out") { Description = "Where the best model goes (default models/flickr8k-mobilenetv2)." };
        var flickr = new Option<string?>("--flickr8k") { Description = "Flickr8k folder (default $IMAGECAPTIONING_FLICKR8K_DIR)." };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 20 };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 64 };
        var lr = new Option<float>("--lr") { DefaultValueFactory = _ => 4e-4f };
        var warmup = new Option<int>("--warmup") { DefaultValueFactory = _ => 300 };
        var smoothing = new Option<float>("--label-smoothing") { DefaultValueFactory = _ => 0.1f };
        var coverage = new Option<float>("--coverage") { Description = "λ of the attention regulariser.", DefaultValueFactory = _ => 1f };
        var dropout = new Option<float>("--dropout") { DefaultValueFactory = _ => 0.5f };
        var featureDropout = new Option<float>("--feature-dropout") { Description = "Dropout on the projected image features.", DefaultValueFactory = _ => 0f };
        var embeddingDropout = new Option<float>("--embedding-dropout") { Description = "Dropout on the word embeddings.", DefaultValueFactory = _ => 0f };
        var weightDecay = new Option<float>("--weight-decay") { Description = "Decoupled (AdamW) weight decay on weight matrices.", DefaultValueFactory = _ => 0f };
        var patience = new Option<int>("--patience") { DefaultValueFactory = _ => 3 };
        var maxMinutes = new Option<double?>("--max-minutes") { Description = "Stop (resumably) after this much time." };
        var trainImages = new Option<int?>("--train-images") { Description = "Use only the first N training images." };
        var devImages = new Option<int?>("--dev-images") { Description = "Score only the first N dev images per epoch." };
        var devBeam = new Option<int>("--dev-beam") { DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 42 };
        var hidden = new Option<int>("--hidden") { DefaultValueFactory = _ => 512 };
        var command = new Command("train", "Train the attention decoder on cached Flickr8k features (resumable).")
        {
            features, mirroredFeatures, vocabPath, run, output, flickr, epochs, batch, lr, warmup, smoothing, coverage, dropout, featureDropout, embeddingDropout, weightDecay, patience,
            maxMinutes, trainImages, devImages, devBeam, seed, hidden,
        };
        command.SetAction(parse =>
        {
            var paths = CaptioningPaths.FromEnvironment();
            string flickrDir = parse.GetValue(flickr) ?? paths.RequireFlickr8kDirectory();
            var dataset = Flickr8kDataset.Load(flickrDir, message => AnsiConsole.MarkupLineInterpolated($"[grey]{message}[/]"));
            string outDir = parse.GetValue(output) ?? Path.Combine(paths.ShippedModelsDirectory, "flickr8k-mobilenetv2");
            string runDir = parse.GetValue(run) ?? Path.Combine(paths.DataCacheDirectory, "..", "runs", Path.GetFileName(outDir));
            Directory.CreateDirectory(runDir);

            var vocabulary = LoadOrBuildVocabulary(parse.GetValue(vocabPath) ?? Path.Combine(runDir, "vocab.json"), dataset);
            using var cache = FeatureCache.Open(parse.GetValue(features) ?? NewestFeatureCache(paths));
            var grids = new FeatureCacheGridSource(cache);
            var trainImagesList = Limit(dataset.Split(DatasetSplit.Train), parse.GetValue(trainImages));
            var options = new TrainingOptions
            {
                Epochs = parse.GetValue(epochs), BatchSize = parse.GetValue(batch), LearningRate = parse.GetValue(lr),
                WarmupSteps = parse.GetValue(warmup), LabelSmoothing = parse.GetValue(smoothing), CoverageLambda = parse.GetValue(coverage),
                WeightDecay = parse.GetValue(weightDecay), FeatureDropout = parse.GetValue(featureDropout), MirroredFeatures = parse.GetValue(mirroredFeatures) is { } m ? Path.GetFileName(m) : null, EmbeddingDropout = parse.GetValue(embeddingDropout), Patience = parse.GetValue(patience), MaxMinutes = parse.GetValue(maxMinutes), Seed = parse.GetValue(seed),
            };
            var trainSet = TrainingSet.Create(trainImagesList, dataset.Captions, vocabulary, grids, options.MaxCaptionWords);
            using var mirroredCache = parse.GetValue(mirroredFeatures) is { } mirroredPath ? FeatureCache.Open(mirroredPath) : null;
            if (mirroredCache is not null)
                trainSet = trainSet.WithMirroredGrids(new FeatureCacheGridSource(mirroredCache), vocabulary);
            var config = new DecoderConfig
            {
                VocabSize = vocabulary.Count, Dropout = parse.GetValue(dropout), HiddenDim = parse.GetValue(hidden),
                EncoderDim = cache.Channels, Positions = cache.Positions,
            };
            var model = new TrainableDecoder(DecoderParameters.CreateRandom(config, options.Seed));
            var devList = Limit(dataset.Split(DatasetSplit.Dev), parse.GetValue(devImages));
            var devEvaluator = new DevSetEvaluator(devList, dataset.Captions, grids, vocabulary, parse.GetValue(devBeam));

            AnsiConsole.MarkupLineInterpolated(
                $"training on {trainSet.Examples.Count:N0} captions of {trainImagesList.Count:N0} images ({trainSet.DroppedLongCaptions} over {options.MaxCaptionWords} words left out); vocabulary {vocabulary.Count:N0}; {model.Parameters.ParameterCount:N0} parameters");
            AnsiConsole.MarkupLineInterpolated($"run folder {runDir}; best model → {outDir}");

            var trainer = new Trainer(model, trainSet, options, runDir, devEvaluator.Evaluate,
                (scores, epoch) => TrainedModelWriter.Save(outDir, model.Parameters, vocabulary, options, scores, epoch, runDir));
            var result = StopSignals.Run(token => trainer.Run(new TrainingConsole(), token));
            AnsiConsole.MarkupLineInterpolated(
                $"[green]{result.StopReason}[/]: step {result.State.Step}, best dev BLEU-4 {result.State.BestDevBleu4:F4} at epoch {result.State.BestEpoch}, last epoch {result.SecondsPerEpoch / 60:F1} min");
            return 0;
        });
        return command;
    }

    /// <summary>The most recently written feature cache in the data cache folder.</summary>
    internal static string NewestFeatureCache(CaptioningPaths paths)
    {
        var newest = Directory.Exists(paths.DataCacheDirectory)
            ? new DirectoryInfo(paths.DataCacheDirectory).GetFiles("*.f16bin").OrderByDescending(f => f.LastWriteTimeUtc).FirstOrDefault()
            : null;
        return newest?.FullName ?? throw new Errors.ImageCaptioningException(
            $"No feature cache in '{paths.DataCacheDirectory}': run `extract --split all` first, or pass --features.");
    }

    internal static IReadOnlyList<string> Limit(IReadOnlyList<string> images, int? limit) =>
        limit is { } n ? images.Take(n).ToList() : images;

    private static Vocabulary LoadOrBuildVocabulary(string path, Flickr8kDataset dataset)
    {
        if (File.Exists(path)) return Vocabulary.Load(path);
        var vocabulary = Vocabulary.Build(dataset.Split(DatasetSplit.Train).SelectMany(i => dataset.Captions[i]).Select(CaptionTokenizer.Tokenize));
        vocabulary.Save(path);
        return vocabulary;
    }
}
