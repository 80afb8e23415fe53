using System.CommandLine;
using ImageCaptioning.Cli.Training;
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
        var defaults = new TrainingOptions();
        var network = new DecoderConfig();
        var shared = new TrainingRunArguments(defaults, "flickr8k-mobilenetv2");
        var mirroredFeatures = new Option<string?>("--mirrored-features") { Description = "Cache of mirrored images from `extract --mirror`: each caption reads its image mirrored half the time." };
        var vocabPath = new Option<string?>("--vocab") { Description = "Vocabulary JSON (built from the train split when missing)." };
        var batch = new Option<int>("--batch") { Description = "Captions per step.", DefaultValueFactory = _ => defaults.BatchSize };
        var smoothing = new Option<float>("--label-smoothing") { DefaultValueFactory = _ => defaults.LabelSmoothing };
        var dropout = new Option<float>("--dropout") { Description = "Dropout on the deep output (a model setting).", DefaultValueFactory = _ => network.Dropout };
        var featureDropout = new Option<float>("--feature-dropout") { Description = "Dropout on the projected image features.", DefaultValueFactory = _ => defaults.FeatureDropout };
        var embeddingDropout = new Option<float>("--embedding-dropout") { Description = "Dropout on the word embeddings.", DefaultValueFactory = _ => defaults.EmbeddingDropout };
        var hidden = new Option<int>("--hidden") { Description = "LSTM size (a model setting).", DefaultValueFactory = _ => network.HiddenDim };
        var initialState = new Option<string>("--initial-state")
        {
            Description = "Where the LSTM's initial state comes from: mean_feature (from the mean image feature) or learned (constants; the image is seen only through attention; a model setting).",
            DefaultValueFactory = _ => DecoderConfig.MeanFeatureInitialState,
        };
        initialState.AcceptOnlyFromAmong(DecoderConfig.MeanFeatureInitialState, DecoderConfig.LearnedInitialState);
        var command = new Command("train", "Train the attention decoder on cached Flickr8k features (resumable).");
        foreach (Option option in (Option[])[.. shared.All, mirroredFeatures, vocabPath, batch, smoothing, dropout, featureDropout, embeddingDropout, hidden, initialState]) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var options = shared.Apply(parse, new TrainingOptions
            {
                BatchSize = parse.GetValue(batch), LabelSmoothing = parse.GetValue(smoothing), FeatureDropout = parse.GetValue(featureDropout),
                EmbeddingDropout = parse.GetValue(embeddingDropout), MirroredFeatures = parse.GetValue(mirroredFeatures) is { } m ? Path.GetFileName(m) : null,
            });
            var setup = shared.Prepare(parse);
            Directory.CreateDirectory(setup.RunDirectory);

            var vocabulary = LoadOrBuildVocabulary(parse.GetValue(vocabPath) ?? Path.Combine(setup.RunDirectory, "vocab.json"), setup.Dataset);
            using var cache = FeatureCache.Open(setup.FeatureCachePath);
            var grids = new FeatureCacheGridSource(cache);
            var trainImages = TrainingRunArguments.Limit(setup.Dataset.Split(DatasetSplit.Train), options.TrainImageLimit);
            var trainSet = TrainingSet.Create(trainImages, setup.Dataset.Captions, vocabulary, grids, options.MaxCaptionWords);
            using var mirroredCache = parse.GetValue(mirroredFeatures) is { } mirroredPath ? FeatureCache.Open(mirroredPath) : null;
            if (mirroredCache is not null)
                trainSet = trainSet.WithMirroredGrids(new FeatureCacheGridSource(mirroredCache));
            var config = network with
            {
                VocabSize = vocabulary.Count, Dropout = parse.GetValue(dropout), HiddenDim = parse.GetValue(hidden),
                EncoderDim = cache.Channels, Positions = cache.Positions,
                InitialState = parse.GetValue(initialState) is DecoderConfig.LearnedInitialState ? DecoderConfig.LearnedInitialState : null,
            };
            var model = new TrainableDecoder(DecoderParameters.CreateRandom(config, options.Seed));
            var devEvaluator = shared.DevEvaluator(parse, setup.Dataset, grids, vocabulary);

            AnsiConsole.MarkupLineInterpolated(
                $"training on {trainSet.Examples.Count:N0} captions of {trainImages.Count:N0} images ({trainSet.DroppedLongCaptions} over {options.MaxCaptionWords} words left out); vocabulary {vocabulary.Count:N0}; {model.Parameters.ParameterCount:N0} parameters");
            AnsiConsole.MarkupLineInterpolated($"run folder {setup.RunDirectory}; best model → {setup.OutputDirectory}");

            var objective = new CrossEntropyObjective(model, trainSet, options);
            var run = new TrainingRun(objective, setup.RunDirectory, devEvaluator.Evaluate,
                (scores, state) => TrainedModelWriter.Save(setup.OutputDirectory, model.Parameters, vocabulary, options, scores, state.Epoch, setup.RunDirectory));
            TrainingRunArguments.PrintResult(StopSignals.Run(token => run.Run(new TrainingConsole(objective.Log.SummaryLabel), token)));
            return 0;
        });
        return command;
    }

    private static Vocabulary LoadOrBuildVocabulary(string path, Flickr8kDataset dataset)
    {
        if (File.Exists(path)) return Vocabulary.Load(path);
        var vocabulary = Vocabulary.Build(dataset.Split(DatasetSplit.Train).SelectMany(i => dataset.Captions[i]).Select(CaptionTokenizer.Tokenize));
        vocabulary.Save(path);
        return vocabulary;
    }
}
