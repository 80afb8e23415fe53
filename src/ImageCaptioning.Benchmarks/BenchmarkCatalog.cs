using System.CommandLine;
using ImageCaptioning.Benchmarks.Load;

namespace ImageCaptioning.Benchmarks;

/// <summary>Every benchmark, in the order `--help` lists them. Add one line per new benchmark.</summary>
internal static class BenchmarkCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return BenchEncoderCommand.Create();
        yield return BenchTrainStepCommand.Create();
        yield return BenchMetricsCommand.Create();
        yield return BenchGemmCommand.Create();
        yield return BenchDecoderCommand.Create();
        yield return BenchFeatureCacheCommand.Create();
        yield return BenchWebCommand.Create();
        yield return BenchSoakCommand.Create();
    }
}
