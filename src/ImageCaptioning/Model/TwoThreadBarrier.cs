namespace ImageCaptioning.Model;

/// <summary>
/// A spinning barrier for the two threads that compute one step together (<see cref="StepPart"/>): a step's phases
/// last tens of microseconds, less than putting a thread to sleep and waking it would take. Sense-reversing, so it is
/// reused phase after phase. If one side fails it <see cref="Break"/>s the barrier and the other side's wait throws
/// instead of spinning forever.
/// </summary>
internal sealed class TwoThreadBarrier
{
    private int _arrived;            // 0 or 1 thread waiting in the current phase
    private int _phase;              // flips each time both have arrived
    private volatile bool _broken;

    public void SignalAndWait()
    {
        int phase = Volatile.Read(ref _phase);
        if (Interlocked.Increment(ref _arrived) == 2)
        {
            Volatile.Write(ref _arrived, 0);
            Interlocked.Increment(ref _phase);             // releases the waiting thread
            return;
        }
        var spin = new SpinWait();
        while (Volatile.Read(ref _phase) == phase)
        {
            if (_broken) throw new InvalidOperationException("The other thread of this step failed.");
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Marks the barrier failed: the other thread's current or next wait throws.</summary>
    public void Break() => _broken = true;

    /// <summary>Ready for the next step (after a failure, or to start clean).</summary>
    public void Reset()
    {
        _arrived = 0;
        _broken = false;
    }
}
