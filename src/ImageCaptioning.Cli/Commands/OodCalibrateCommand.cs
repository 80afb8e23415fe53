using System.CommandLine;
using System.Globalization;
using ImageCaptioning.Captioning;
using ImageCaptioning.Cli.Arguments;
using ImageCaptioning.Configuration;
using ImageCaptioning.Data;
using ImageCaptioning.Encoder;
using ImageCaptioning.OutOfDistribution;
using Spectre.Console;

namespace ImageCaptioning.Cli.Commands;

/// <summary>
/// `ood-calibrate`: builds a model folder's out-of-distribution check (<see cref="FeatureNeighbourDetector"/>) from the
/// train (references) and dev (threshold) splits, reports the share of dev, test and any --images photos it flags, and
/// writes the file and its checksum line into the folder.
/// </summary>
internal static class OodCalibrateCommand
{
    private const int EncoderBatch = 32;

    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = $"Model folder to write into (default: models/{Captioner.DefaultModelName})." };
        var references = new Option<int>("--references") { Description = "Training photos in the reference set.", DefaultValueFactory = _ => OutOfDistributionCalibration.DefaultReferences };
        var neighbours = new Option<int>("--neighbours") { Description = "Nearest references averaged into the score.", DefaultValueFactory = _ => OutOfDistributionCalibration.DefaultNeighbours };
        var quantile = new Option<double>("--quantile") { Description = "Dev-split quantile used as the threshold.", DefaultValueFactory = _ => OutOfDistributionCalibration.DefaultQuantile };
        var images = new Option<string[]>("--images") { Description = "Extra image files or folders to report the flagged share of (e.g. photos unlike Flickr8k).", AllowMultipleArgumentsPerToken = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Report the rates without writing the file." };
        var command = new Command("ood-calibrate", "Build the out-of-distribution check of a model folder from Flickr8k train (references) and dev (threshold).")
        {
            model, references, neighbours, quantile, images, dryRun,
        };
        command.SetAction(async (parse, ct) =>
        {
            var paths = CaptioningPaths.FromEnvironment();
            string folder = Path.GetFullPath(parse.GetValue(model) ?? Captioner.DefaultModelFolder(paths));
            if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"No model folder at '{folder}'.");
            var dataset = Flickr8kDataset.Load(paths.RequireFlickr8kDirectory());
            using var encoder = await ImageEncoder.CreateAsync(paths, ct: ct);
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            float[] Pool(string name, IReadOnlyList<string> files)
            {
                console.MarkupLine($"encoding {files.Count} {Markup.Escape(name)} images");
                return PooledFeatures(encoder, files, ct);
            }
            var train = Pool("train", [.. dataset.Split(DatasetSplit.Train).Select(dataset.ImagePath)]);
            var dev = Pool("dev", [.. dataset.Split(DatasetSplit.Dev).Select(dataset.ImagePath)]);
            var test = Pool("test", [.. dataset.Split(DatasetSplit.Test).Select(dataset.ImagePath)]);
            var (detector, devScores) = OutOfDistributionCalibration.Fit(train, dev, EncoderGeometry.Channels,
                parse.GetValue(references), parse.GetValue(neighbours), parse.GetValue(quantile));
            var testScores = OutOfDistributionCalibration.Scores(detector, test);
            var output = parse.InvocationConfiguration.Output;
            string Rate(double[] scores) => string.Create(CultureInfo.InvariantCulture,
                $"{scores.Count(s => s > detector.Threshold)} of {scores.Length} ({scores.Count(s => s > detector.Threshold) / (double)scores.Length:P1})");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"threshold {detector.Threshold:F4} ({detector.Calibration})"));
            output.WriteLine($"flagged: dev {Rate(devScores)}, test {Rate(testScores)}");
            if (parse.GetValue(images) is { Length: > 0 } extra)
            {
                var (files, problems) = ImagePathExpander.Expand(extra);
                foreach (var problem in problems) Console.Error.WriteLine($"error: {problem.Input}: {problem.Reason}");
                var scores = OutOfDistributionCalibration.Scores(detector, Pool("extra", files));
                output.WriteLine($"flagged: --images {Rate(scores)}");
                for (int i = 0; i < files.Count; i++)
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {scores[i]:F4} {(scores[i] > detector.Threshold ? "flagged" : "-")} {files[i]}"));
            }
            string testNote = string.Create(CultureInfo.InvariantCulture,
                $"; flags {devScores.Count(s => s > detector.Threshold) / (double)devScores.Length:P1} of dev and {testScores.Count(s => s > detector.Threshold) / (double)testScores.Length:P1} of test");
            if (!parse.GetValue(dryRun))
            {
                OutOfDistributionCalibration.SaveInto(detector.WithThreshold(detector.Threshold, detector.Calibration + testNote), folder);
                output.WriteLine($"wrote {Path.Combine(folder, FeatureNeighbourDetector.FileName)} and its checksum");
            }
            return 0;
        });
        return command;
    }

    /// <summary>Pooled encoder features [files, 1280], in file order.</summary>
    private static float[] PooledFeatures(ImageEncoder encoder, IReadOnlyList<string> files, CancellationToken ct)
    {
        var pooled = new float[files.Count * EncoderGeometry.Channels];
        for (int first = 0; first < files.Count; first += EncoderBatch)
        {
            ct.ThrowIfCancellationRequested();
            var batch = files.Skip(first).Take(EncoderBatch).ToList();
            var encoded = encoder.EncodeBatch(batch);
            for (int i = 0; i < encoded.Count; i++)
                encoded[i].Pooled.CopyTo(pooled, (first + i) * EncoderGeometry.Channels);
        }
        return pooled;
    }
}
