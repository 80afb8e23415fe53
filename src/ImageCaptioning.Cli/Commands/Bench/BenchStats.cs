using System.Diagnostics;

namespace ImageCaptioning.Cli.Commands.Bench;

/// <summary>
/// Runs an action repeatedly after a warm-up and reports the median (and p10/p90) in milliseconds. A warm-up of a few
/// runs is not enough for millisecond-scale actions: .NET's tiered JIT first runs unoptimised code and promotes hot
/// methods only after ~30 calls plus a 100 ms quiet period, so <paramref name="minWarmupMs"/> keeps warming until then
/// (the steady state a long-running server sees).
/// </summary>
internal static class BenchStats
{
    public sealed record Result(double MedianMs, double P10Ms, double P90Ms, int Runs);

    public static Result Measure(Action action, int warmup = 3, int runs = 15, double minWarmupMs = 0)
    {
        long warmupStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < warmup || Stopwatch.GetElapsedTime(warmupStart).TotalMilliseconds < minWarmupMs; i++) action();
        var samples = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(samples);
        return new Result(Percentile(samples, 0.5), Percentile(samples, 0.1), Percentile(samples, 0.9), runs);
    }

    private static double Percentile(double[] sorted, double q) => sorted[(int)Math.Round(q * (sorted.Length - 1))];
}
