using System.Diagnostics;
using System.Runtime;

namespace ImageCaptioning.Cli.Commands.Bench;

/// <summary>
/// Runs an action repeatedly after a warm-up and reports the median (and p10/p90) in milliseconds. A warm-up of a few
/// runs is not enough for millisecond-scale actions: .NET's tiered JIT first runs unoptimised code and promotes hot
/// methods only after ~30 calls plus a 100 ms quiet period, so <paramref name="minWarmupMs"/> keeps warming until then
/// (the steady state a long-running server sees).
/// </summary>
internal static class BenchStats
{
    /// <summary>
    /// A warmed-up process has compiled no method for this long: the background JIT thread takes a core while it works,
    /// which slows a decode loop that uses both cores well after its first seconds (seen with <see cref="JitInfo"/>).
    /// </summary>
    public const double JitQuietMs = 1000;

    /// <summary>Longest warm-up spent waiting for the JIT to go quiet before measuring anyway (and saying so).</summary>
    public const double MaxWarmupMs = 30_000;

    public sealed record Result(double MedianMs, double P10Ms, double P90Ms, int Runs, bool JitQuiet = true);

    /// <param name="minWarmupMs">
    /// Above 0: warm up at least this long, and then until no method has been JIT-compiled for <see cref="JitQuietMs"/>
    /// (at most <see cref="MaxWarmupMs"/>; <see cref="Result.JitQuiet"/> says whether it got there).
    /// </param>
    public static Result Measure(Action action, int warmup = 3, int runs = 15, double minWarmupMs = 0)
    {
        long warmupStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < warmup || Stopwatch.GetElapsedTime(warmupStart).TotalMilliseconds < minWarmupMs; i++) action();
        bool quiet = minWarmupMs <= 0 || WarmUntilJitQuiet(action, warmupStart);
        var samples = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(samples);
        return new Result(Percentile(samples, 0.5), Percentile(samples, 0.1), Percentile(samples, 0.9), runs, quiet);
    }

    private static bool WarmUntilJitQuiet(Action action, long warmupStart)
    {
        var jit = new JitQuietClock(warmupStart);
        while (!jit.IsQuiet)
        {
            if (jit.TimedOut) return false;
            action();
        }
        return true;
    }

    private static double Percentile(double[] sorted, double q) => sorted[(int)Math.Round(q * (sorted.Length - 1))];
}
