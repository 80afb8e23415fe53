using System.Diagnostics;

namespace ImageCaptioning.Numerics;

/// <summary>
/// A background thread that waits for work by polling for a while and then blocking: decoding posts its next job within
/// a fraction of a millisecond, and waking a blocked thread costs about as much as the job it would run, so it spins
/// for <c>spinMicroseconds</c> after each job before it sleeps. Allocation-free per job (the delegates are made once).
/// The owner publishes a job with a full fence (an Interlocked write) and then calls <see cref="Notify"/>.
/// Used by the decoder ensemble's step worker.
/// </summary>
internal sealed class SpinThenBlockThread
{
    private readonly string _name;
    private readonly long _spinTicks;
    private readonly Func<bool> _hasWork;
    private readonly Action _work;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly object _startLock = new();
    private Thread? _thread;
    private int _sleeping;   // 1 while the thread is (about to be) blocked on _wake

    /// <param name="hasWork">Whether a job is waiting (read by the thread; must see the owner's fenced writes).</param>
    /// <param name="work">Runs one job on the thread.</param>
    public SpinThenBlockThread(string name, int spinMicroseconds, Func<bool> hasWork, Action work)
    {
        _name = name;
        _spinTicks = Stopwatch.Frequency * spinMicroseconds / 1_000_000;
        _hasWork = hasWork;
        _work = work;
    }

    /// <summary>Starts the thread on first use and wakes it if it blocked; call after publishing a job.</summary>
    public void Notify()
    {
        EnsureStarted();
        if (Volatile.Read(ref _sleeping) == 1) _wake.Release();
    }

    private void EnsureStarted()
    {
        if (Volatile.Read(ref _thread) is not null) return;
        lock (_startLock)
        {
            if (_thread is not null) return;
            var thread = new Thread(Loop) { IsBackground = true, Name = _name };
            thread.Start();
            Volatile.Write(ref _thread, thread);
        }
    }

    private void Loop()
    {
        while (true)
        {
            long deadline = Stopwatch.GetTimestamp() + _spinTicks;
            while (!_hasWork())
            {
                if (Stopwatch.GetTimestamp() < deadline)
                {
                    Thread.SpinWait(30);
                    continue;
                }
                Interlocked.Exchange(ref _sleeping, 1);       // full fence, then check once more before blocking
                if (!_hasWork()) _wake.Wait();
                Volatile.Write(ref _sleeping, 0);
                deadline = Stopwatch.GetTimestamp() + _spinTicks;
            }
            _work();
        }
    }
}
