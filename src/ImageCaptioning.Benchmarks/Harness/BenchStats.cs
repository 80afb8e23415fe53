using System.Diagnostics;

namespace ImageCaptioning.Benchmarks.Harness;

/// <summary>
/// Times an action repeatedly after a warm-up and reports the median with the min–max of the runs; <see cref="Compare"/>
/// interleaves a baseline with the candidate so both see the same machine load, and reports their ratio.
/// Millisecond-scale actions need <c>minWarmupMs</c>: the tiered JIT promotes hot methods only after ~30 calls and a quiet period.
/// </summary>
internal static class BenchStats
{
    /// <summary>Fewest timed runs behind any printed figure (a median of fewer says little on a shared machine).</summary>
    public const int MinRuns = 5;

    /// <summary>A warmed-up process has compiled no method for this long (the background JIT thread otherwise takes a core).</summary>
    public const double JitQuietMs = 1000;

    /// <summary>Longest warm-up spent waiting for the JIT to go quiet before measuring anyway (and saying so).</summary>
    public const double MaxWarmupMs = 30_000;

    public sealed record Result(double MedianMs, double MinMs, double MaxMs, int Runs, bool JitQuiet = true)
    {
        /// <summary>"median ms (min–max, N runs)", scaled by <paramref name="divisor"/> (e.g. per image of a batch).</summary>
        public string Format(double divisor = 1, string unit = "ms") =>
            $"{MedianMs / divisor:F2} {unit} ({MinMs / divisor:F2}–{MaxMs / divisor:F2}, {Runs} runs)";

        internal static Result Of(double[] samples, bool jitQuiet)
        {
            Array.Sort(samples);
            return new Result(Median(samples), samples[0], samples[^1], samples.Length, jitQuiet);
        }
    }

    /// <summary>A candidate timed against a baseline in alternating runs; the ratio is candidate / baseline per pair of runs.</summary>
    public sealed record Comparison(Result Baseline, Result Candidate, double RatioMedian, double RatioMin, double RatioMax)
    {
        public string FormatRatio() => $"{RatioMedian:F2}× ({RatioMin:F2}–{RatioMax:F2})";
    }

    /// <param name="minWarmupMs">
    /// Above 0: warm up at least this long, and then until no method has been JIT-compiled for <see cref="JitQuietMs"/>
    /// (at most <see cref="MaxWarmupMs"/>; <see cref="Result.JitQuiet"/> says whether it got there).
    /// </param>
    public static Result Measure(Action action, int warmup = 3, int runs = 15, double minWarmupMs = 0)
    {
        bool quiet = WarmUp(action, warmup, minWarmupMs);
        var samples = new double[Math.Max(runs, MinRuns)];
        for (int i = 0; i < samples.Length; i++)
            samples[i] = Time(action);
        return Result.Of(samples, quiet);
    }

    /// <summary>Times <paramref name="baseline"/> and <paramref name="candidate"/> in alternating order (B C, C B, …) after warming both.</summary>
    public static Comparison Compare(Action baseline, Action candidate, int warmup = 3, int runs = 15, double minWarmupMs = 0)
    {
        void Both() { baseline(); candidate(); }
        bool quiet = WarmUp(Both, warmup, minWarmupMs);
        int count = Math.Max(runs, MinRuns);
        var baseSamples = new double[count];
        var candidateSamples = new double[count];
        var ratios = new double[count];
        for (int i = 0; i < count; i++)
        {
            // Alternate which goes first, so neither always runs in the other's cache or thermal shadow.
            if (i % 2 == 0) { baseSamples[i] = Time(baseline); candidateSamples[i] = Time(candidate); }
            else { candidateSamples[i] = Time(candidate); baseSamples[i] = Time(baseline); }
            ratios[i] = candidateSamples[i] / baseSamples[i];
        }
        Array.Sort(ratios);
        return new Comparison(Result.Of(baseSamples, quiet), Result.Of(candidateSamples, quiet), Median(ratios), ratios[0], ratios[^1]);
    }

    private static bool WarmUp(Action action, int warmup, double minWarmupMs)
    {
        long warmupStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < warmup || Stopwatch.GetElapsedTime(warmupStart).TotalMilliseconds < minWarmupMs; i++) action();
        if (minWarmupMs <= 0) return true;
        var jit = new JitQuietClock(warmupStart);
        while (!jit.IsQuiet)
        {
            if (jit.TimedOut) return false;
            action();
        }
        return true;
    }

    private static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>The median of sorted values (the mean of the middle two for an even count).</summary>
    internal static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
