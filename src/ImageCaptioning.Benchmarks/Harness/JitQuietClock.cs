using System.Diagnostics;
using System.Runtime;

namespace ImageCaptioning.Benchmarks.Harness;

/// <summary>
/// Tells a warm-up loop when this process's JIT has gone quiet: no method compiled for <see cref="BenchStats.JitQuietMs"/>,
/// or when it has waited long enough (<see cref="BenchStats.MaxWarmupMs"/> since <paramref name="start"/>).
/// Poll <see cref="IsQuiet"/> between units of warm-up work.
/// </summary>
internal sealed class JitQuietClock(long start)
{
    private long _compiled = JitInfo.GetCompiledMethodCount();
    private long _quietSince = Stopwatch.GetTimestamp();

    public JitQuietClock() : this(Stopwatch.GetTimestamp()) { }

    /// <summary>True once nothing has been compiled for <see cref="BenchStats.JitQuietMs"/>.</summary>
    public bool IsQuiet
    {
        get
        {
            long compiled = JitInfo.GetCompiledMethodCount();
            if (compiled != _compiled) (_compiled, _quietSince) = (compiled, Stopwatch.GetTimestamp());
            return Stopwatch.GetElapsedTime(_quietSince).TotalMilliseconds >= BenchStats.JitQuietMs;
        }
    }

    public bool TimedOut => Elapsed.TotalMilliseconds > BenchStats.MaxWarmupMs;

    /// <summary>Time since the warm-up started.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(start);
}
