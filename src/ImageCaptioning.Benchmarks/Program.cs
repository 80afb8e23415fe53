using System.CommandLine;
using ImageCaptioning.Benchmarks;
using ImageCaptioning.Benchmarks.Load;
using ImageCaptioning.Cli;

// `dotnet run --project src/ImageCaptioning.Benchmarks -c Release -- <benchmark>`: one subcommand per benchmark, in `--help` order.
var root = new RootCommand("ImageCaptioning benchmarks: each figure is the median of repeated runs (min–max), with a ratio to a baseline timed in the same run.")
{
    BenchDecoderCommand.Create(),
    BenchEncoderCommand.Create(),
    BenchGemmCommand.Create(),
    BenchMetricsCommand.Create(),
    BenchTrainStepCommand.Create(),
    BenchFeatureCacheCommand.Create(),
    BenchWebCommand.Create(),
    BenchSoakCommand.Create(),
};
return await CliRunner.RunAsync(root, args);
