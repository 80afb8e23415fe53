using System.CommandLine;
using System.Diagnostics;
using ImageCaptioning.Cli.Commands.Extract;
using ImageCaptioning.Cli.Terminal;
using ImageCaptioning.Configuration;
using ImageCaptioning.Data;
using ImageCaptioning.Encoder;
using Spectre.Console;

namespace ImageCaptioning.Cli.Commands;

/// <summary>
/// `extract`: encodes a Flickr8k split (or a folder of images) into a float16 feature cache of 7×7×1280 grids.
/// Resumable: images already cached are skipped, so re-running after an interruption finishes the job.
/// Progress and per-image failures go to stderr, the summary to stdout.
/// </summary>
internal static class ExtractCommand
{
    public const int ExitInterrupted = 130;

    public static Command Create()
    {
        var split = new Option<string>("--split")
        {
            Description = "Flickr8k images to encode: train, dev, test or all (the cache holds slots for all of them either way).",
            DefaultValueFactory = _ => "all",
        };
        split.AcceptOnlyFromAmong(ExtractionPlan.SplitChoices);
        var images = new Option<string?>("--images") { HelpName = "folder", Description = "Encode every image in this folder instead of Flickr8k." };
        var flickr = new Option<string?>("--flickr8k") { HelpName = "folder", Description = $"Flickr8k folder (default ${CaptioningPaths.Flickr8kDirVariable})." };
        var output = new Option<string?>("--out") { HelpName = "path", Description = "Cache file (default <data cache>/features-<encoder sha8>.f16bin)." };
        var batch = new Option<int>("--batch") { Description = "Images per encoder call and per checkpoint.", DefaultValueFactory = _ => 32 };
        batch.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
                result.AddError("--batch must be at least 1.");
        });
        var force = new Option<bool>("--force") { Description = "Rebuild the cache from scratch if it was made for another encoder or image list." };
        var gridOption = new Option<string>("--grid")
        {
            HelpName = string.Join('|', FeatureGrid.All.Select(g => g.Name)),
            Description = "Which encoder map to cache: the last convolution's 7×7×1280 (default), the stride-16 stage's 14×14×576, "
                + "or 14×14+7×7 (each 14×14 cell followed by the 1280 channels of the 7×7 cell that covers it).",
            DefaultValueFactory = _ => FeatureGrid.Final.Name,
        };
        gridOption.Validators.Add(result =>
        {
            if (FeatureGrid.Named(result.GetValueOrDefault<string>() ?? "") is null)
                result.AddError($"--grid must be one of {string.Join(", ", FeatureGrid.All.Select(g => g.Name))}.");
        });
        var mirror = new Option<bool>("--mirror") { Description = "Encode left–right mirrored images (a second cache for training augmentation, under mirrored/)." };
        var command = new Command("extract", "Encode Flickr8k images (or a folder) into a resumable float16 feature cache.")
        {
            split, images, flickr, output, batch, force, mirror, gridOption,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(images) is not null && result.GetResult(split) is { Implicit: false })
                result.AddError("Use either --split (Flickr8k) or --images (a folder), not both.");
        });

        command.SetAction(async (parse, ct) =>
        {
            var paths = CaptioningPaths.FromEnvironment();
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            ExtractionPlan plan = parse.GetValue(images) is { } folder
                ? ExtractionPlan.ForFolder(folder)
                : ExtractionPlan.ForFlickr8k(
                    Flickr8kDataset.Load(parse.GetValue(flickr) ?? paths.RequireFlickr8kDirectory(),
                        message => console.MarkupLineInterpolated($"[grey]{message}[/]")),
                    parse.GetValue(split)!);

            bool mirrored = parse.GetValue(mirror);
            FeatureGrid grid = FeatureGrid.Named(parse.GetValue(gridOption)!)!;
            var encoderOptions = new EncoderOptions
            {
                DownloadProgress = new DownloadProgressBar(Console.Error, "downloading the encoder"), MirrorHorizontally = mirrored,
                FineGrid = grid.NeedsFineMap,
            };
            using var encoder = await ImageEncoder.CreateAsync(paths, encoderOptions, ct);
            string cachePath = Path.GetFullPath(parse.GetValue(output) ?? plan.DefaultOutput(paths.DataCacheDirectory, encoder.SourceModelSha256, mirrored, grid));
            Directory.CreateDirectory(Path.GetDirectoryName(cachePath)!);
            using var writer = FeatureCacheWriter.CreateOrResume(cachePath, plan.SlotNames, encoder.SourceModelSha256,
                grid.Positions, grid.Channels, overwrite: parse.GetValue(force));

            List<ExtractionItem> pending = [.. plan.Wanted.Where(item => !writer.IsComplete(item.ImageName))];
            if (pending.Count == 0)
            {
                Console.WriteLine($"nothing to do: all {plan.Wanted.Count:N0} images of {plan.Description} are already in {cachePath}");
                return 0;
            }
            console.MarkupLineInterpolated(
                $"{plan.Description}: {pending.Count:N0} to encode, {plan.Wanted.Count - pending.Count:N0} already cached ({(writer.Resumed ? "resuming" : "new cache")} {cachePath})");

            var job = new FeatureExtractionJob(imagePaths => [.. encoder.EncodeBatch(imagePaths).Select(o => o.GridOf(grid))], writer);
            var clock = Stopwatch.StartNew();
            FeatureExtractionJob.Result result = null!;
            await console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                    new ImagesPerSecondColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("encoding", maxValue: pending.Count);
                    result = await Task.Run(() => job.Run(pending, parse.GetValue(batch),
                        advanced: n => task.Increment(n),
                        failed: f => console.MarkupLineInterpolated($"[red]failed[/] {f.ImageName}: {f.Reason}"),
                        ct), CancellationToken.None);
                });
            writer.Dispose();

            double seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"encoded {result.Extracted:N0} images in {seconds:F1} s ({result.Extracted / Math.Max(seconds, 1e-9):F1} images/s); "
                + $"{cachePath} now holds {writer.CompletedCount:N0} of {writer.Count:N0} images");
            if (result.Cancelled)
            {
                Console.Error.WriteLine("interrupted: the encoded images are saved; run the same command again to continue.");
                return ExitInterrupted;
            }
            if (result.Failures.Count > 0)
            {
                Console.Error.WriteLine($"error: {result.Failures.Count} image(s) could not be encoded (listed above); all the others are saved.");
                return CliRunner.ExitBadInput;
            }
            return 0;
        });
        return command;
    }
}
