using System.CommandLine;
using System.Diagnostics;
using ImageCaptioning.Cli.Terminal;
using ImageCaptioning.Configuration;
using ImageCaptioning.Encoder;
using ImageCaptioning.Imaging;

using ImageCaptioning.Benchmarks.Harness;

namespace ImageCaptioning.Benchmarks;

/// <summary>
/// `bench encoder`: per-image latency of the ML.NET path vs the raw ONNX Runtime path (batch 1, same
/// derived model, same images), and batched feature-extraction throughput over Flickr8k images with
/// an extrapolation to all 8091.
/// </summary>
internal static class BenchEncoderCommand
{
    private const int Flickr8kImageCount = 8091;

    public static Command Create()
    {
        var images = new Option<int>("--images") { Description = "Flickr8k images for the throughput runs.", DefaultValueFactory = _ => 512 };
        var runs = new Option<int>("--runs") { Description = "Timed single-image runs per path (after a warm-up).", DefaultValueFactory = _ => 40 };
        var batches = new Option<int[]>("--batch") { Description = "Batch sizes for the throughput runs.", DefaultValueFactory = _ => [1, 16, 32], AllowMultipleArgumentsPerToken = true };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads (0 = its default).", DefaultValueFactory = _ => 0 };
        var fineGrid = new Option<bool>("--fine-grid") { Description = "Also fetch the 14×14 map (EncoderOptions.FineGrid), as for a decoder that reads a 14×14 grid." };
        var squares = new Option<string?>("--squares") { Description = "Also time guided decoding's extra encoder work (the covering squares' ImageNet prediction) on the photos of this folder, e.g. data/subjects/photos." };
        var command = new Command("encoder", "Encoder speed: ML.NET vs raw ONNX Runtime latency, batched throughput on Flickr8k.")
        {
            images, runs, batches, threads, squares, fineGrid,
        };
        command.SetAction(async (parse, ct) =>
        {
            var paths = CaptioningPaths.FromEnvironment();
            string[] files = [.. Directory.EnumerateFiles(Path.Combine(paths.RequireFlickr8kDirectory(), "images"), "*.jpg").Order(StringComparer.Ordinal)];
            if (files.Length == 0)
                throw new DirectoryNotFoundException($"No .jpg images under '{Path.Combine(paths.RequireFlickr8kDirectory(), "images")}'.");
            int threadCount = parse.GetValue(threads);
            var options = new EncoderOptions
            {
                IntraOpThreads = threadCount, FineGrid = parse.GetValue(fineGrid),
                DownloadProgress = new DownloadProgressBar(Console.Error, "downloading the encoder"),
            };
            using var encoder = await ImageEncoder.CreateAsync(paths, options, ct);
            Console.WriteLine($"encoder     {encoder.DerivedModelPath}");
            Console.WriteLine($"machine     {Environment.ProcessorCount} logical cores, ONNX Runtime intra-op threads: {(threadCount > 0 ? threadCount : "default")}"
                + (options.FineGrid ? ", with the 14×14 map" : ""));

            ReportLatency(encoder, files, parse.GetValue(runs));
            if (parse.GetValue(squares) is { } folder)
                ReportSquares(encoder, folder, parse.GetValue(runs));
            ReportThroughput(encoder, files.Take(Math.Min(parse.GetValue(images), files.Length)).ToArray(), parse.GetValue(batches) ?? [16]);
            return 0;
        });
        return command;
    }

    private static void ReportLatency(ImageEncoder encoder, string[] files, int runs)
    {
        int next = 0;
        string Next() => files[next++ % files.Length];

        // Raw ONNX Runtime is the baseline; the ML.NET pipeline is timed in alternating runs against it.
        var pair = BenchStats.Compare(() => encoder.Encode(Next()), () => encoder.EncodeWithMlNet(Next()), warmup: 5, runs: runs);
        // EncodeWithMlNet decodes once itself to refuse truncated files that ML.NET would accept; measure that part alone.
        var decode = BenchStats.Measure(() => ImagePixelDecoder.DecodeChw(
            ValidatedImage.FromFile(Next(), ImageLimits.Default), EncoderGeometry.InputSize, ImageResampling.MatchMlNet,
            new float[EncoderGeometry.InputFloats]), warmup: 5, runs: runs);

        Console.WriteLine();
        Console.WriteLine("per-image latency, batch 1 (median, min–max)");
        Print("raw ONNX Runtime (Encode)", pair.Baseline);
        Print("ML.NET pipeline (EncodeWithMlNet)", pair.Candidate);
        Print("  of which validation decode", decode);
        Console.WriteLine($"  ML.NET / raw, per pair of runs     {pair.FormatRatio()}  " +
                          $"(medians without the validation decode: {(pair.Candidate.MedianMs - decode.MedianMs) / pair.Baseline.MedianMs:F2}×)");
    }

    /// <summary>Encode (the grid) vs Encode + the covering squares' prediction, in alternating runs over the folder's photos.</summary>
    private static void ReportSquares(ImageEncoder encoder, string folder, int runs)
    {
        var photos = Directory.EnumerateFiles(folder, "*.jpg").Order(StringComparer.Ordinal)
            .Select(f => ValidatedImage.FromFile(f, encoder.Limits)).ToArray();
        if (photos.Length == 0) throw new DirectoryNotFoundException($"No .jpg photos in '{folder}'.");
        int next = 0;
        ValidatedImage Next() => photos[next++ % photos.Length];
        var pair = BenchStats.Compare(() => encoder.Encode(Next()),
            () => { var image = Next(); encoder.ClassProbabilitiesOverSquares(image, encoder.Encode(image)); }, warmup: 5, runs: runs);
        Console.WriteLine();
        Console.WriteLine($"guided decoding's encoder work on {photos.Length} photos of {folder} (median, min–max)");
        Print("Encode (the grid)", pair.Baseline);
        Print("Encode + covering squares", pair.Candidate);
        Console.WriteLine($"  with squares / without, per pair     {pair.FormatRatio()}");
    }

    private static void ReportThroughput(ImageEncoder encoder, string[] files, int[] batchSizes)
    {
        Console.WriteLine();
        Console.WriteLine($"batched feature extraction over {files.Length} Flickr8k images (decode + ONNX Runtime + grid layout)");
        foreach (int batch in batchSizes.Where(b => b > 0))
        {
            encoder.EncodeBatch(files.Take(batch).ToArray()); // warm-up at this batch size
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < files.Length; i += batch)
                encoder.EncodeBatch(files[i..Math.Min(files.Length, i + batch)]);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            double perSecond = files.Length / seconds;
            Console.WriteLine($"  batch {batch,3}: {perSecond,7:F1} images/s, {1000 / perSecond,6:F2} ms/image → all {Flickr8kImageCount} in ≈ {Flickr8kImageCount / perSecond,5:F0} s");
        }
    }

    private static void Print(string label, BenchStats.Result r) =>
        Console.WriteLine($"  {label,-34} {r.Format()}");
}
