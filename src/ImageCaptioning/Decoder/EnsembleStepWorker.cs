using ImageCaptioning.Numerics;

namespace ImageCaptioning.Decoder;

/// <summary>
/// A dedicated background thread that runs an ensemble's members 1..K−1 for a step while the caller runs member 0,
/// so a lone caption request uses both cores: the members are independent until their outputs are averaged.
/// Allocation-free per step (a decoding step must not allocate). One caller at a time owns the worker
/// (<see cref="TryBegin"/> returns false for the others, which then run the members one after another). The idle worker
/// polls for <see cref="SpinMicroseconds"/> before blocking (<see cref="SpinThenBlockThread"/>), because the next step
/// is posted within a fraction of a millisecond and waking a blocked thread costs about as much as a member's step.
/// </summary>
internal sealed class EnsembleStepWorker
{
    public const int SpinMicroseconds = 300;

    private readonly IReadOnlyList<AttentionDecoder> _members;
    private readonly SpinThenBlockThread _thread;
    private DecoderWorkspace? _job;
    private int _taken, _posted, _done;
    private Exception? _error;

    public EnsembleStepWorker(IReadOnlyList<AttentionDecoder> members)
    {
        _members = members;
        _thread = new SpinThenBlockThread("Ensemble step worker", SpinMicroseconds, () => Volatile.Read(ref _posted) != 0, RunJob);
    }

    /// <summary>Starts members 1..K−1 on <paramref name="ws"/>'s companions in the background; false if the worker is busy.</summary>
    public bool TryBegin(DecoderWorkspace ws)
    {
        if (Interlocked.CompareExchange(ref _taken, 1, 0) != 0) return false;
        _job = ws;
        Volatile.Write(ref _done, 0);
        Interlocked.Exchange(ref _posted, 1);                 // full fence, then wake the worker if it blocked
        _thread.Notify();
        return true;
    }

    /// <summary>Waits for the background members to finish the step and releases the worker.</summary>
    public void End()
    {
        var spin = new SpinWait();
        while (Volatile.Read(ref _done) == 0) spin.SpinOnce(sleep1Threshold: -1);
        _job = null;
        var error = _error;
        _error = null;
        Volatile.Write(ref _taken, 0);
        if (error is not null) throw new InvalidOperationException("An ensemble member's step failed on the worker thread.", error);
    }

    /// <summary>On the worker thread: one step of members 1..K−1.</summary>
    private void RunJob()
    {
        Volatile.Write(ref _posted, 0);
        var ws = _job!;
        try
        {
            for (int k = 1; k < _members.Count; k++) _members[k].Step(ws.Companions[k - 1]);
        }
        catch (Exception ex)
        {
            _error = ex;   // handed to the caller in End(): never lose a failure on a background thread
        }
        finally
        {
            Volatile.Write(ref _done, 1);
        }
    }
}
