using ImageCaptioning.Numerics;

namespace ImageCaptioning.Model;

/// <summary>
/// A dedicated background thread that runs one share of an ensemble's job (<see cref="MemberShare"/>) while the caller
/// runs the other — a step, or the preparation of new images — so a lone caption request uses both cores: the members
/// are independent until their outputs are averaged. Allocation-free per job (a decoding step must not allocate). One
/// caller at a time owns the worker (<see cref="TryBegin"/> returns false for the others, which then run the members one
/// after another). The idle
/// worker polls for <see cref="SpinMicroseconds"/> before blocking (<see cref="SpinThenBlockThread"/>), because the next
/// step is posted within a fraction of a millisecond and waking a blocked thread costs about as much as a member's step.
/// </summary>
internal sealed class EnsembleStepWorker
{
    public const int SpinMicroseconds = 300;

    private readonly IReadOnlyList<AttentionDecoder> _members;
    private readonly SpinThenBlockThread _thread;
    private DecoderWorkspace? _workspace;
    private MemberJob _job;
    private MemberShare _share;
    private int _taken, _posted, _done;
    private Exception? _error;

    public EnsembleStepWorker(IReadOnlyList<AttentionDecoder> members)
    {
        _members = members;
        _thread = new SpinThenBlockThread("Ensemble step worker", SpinMicroseconds, () => Volatile.Read(ref _posted) != 0, RunJob);
    }

    /// <summary>
    /// Starts <paramref name="share"/> of <paramref name="job"/> in the background; false if the worker is busy. A
    /// preparation job's grids must stay pinned until <see cref="End"/> returns.
    /// </summary>
    public bool TryBegin(DecoderWorkspace ws, MemberJob job, MemberShare share)
    {
        if (Interlocked.CompareExchange(ref _taken, 1, 0) != 0) return false;
        _workspace = ws;
        _job = job;
        _share = share;
        Volatile.Write(ref _done, 0);
        Interlocked.Exchange(ref _posted, 1);                 // full fence, then wake the worker if it blocked
        _thread.Notify();
        return true;
    }

    /// <summary>
    /// <see cref="TryBegin"/> for a share that computes a member together with the caller (<see cref="MemberShare.Together"/>):
    /// returns once the worker has taken the job, so the caller's part never waits at a barrier for a part nobody runs.
    /// </summary>
    public bool TryBeginTogether(DecoderWorkspace ws, MemberJob job, MemberShare share)
    {
        if (!TryBegin(ws, job, share)) return false;
        var spin = new SpinWait();
        while (Volatile.Read(ref _posted) != 0) spin.SpinOnce(sleep1Threshold: -1);
        return true;
    }

    /// <summary>
    /// Waits for the background members to finish the job and releases the worker. If the worker has not even started
    /// the job by now (it blocked and is slow to wake, or another process has its core), the caller runs the job
    /// itself rather than wait for the worker to get a core (another thread, e.g. the background JIT, may be holding it).
    /// </summary>
    public void End()
    {
        RunJob();                                             // does nothing if the worker took the job
        var spin = new SpinWait();
        while (Volatile.Read(ref _done) == 0) spin.SpinOnce(sleep1Threshold: -1);
        _workspace = null;
        _job = default;
        var error = _error;
        _error = null;
        Volatile.Write(ref _taken, 0);
        if (error is not null) throw new InvalidOperationException("An ensemble member failed on the worker thread.", error);
    }

    /// <summary>
    /// The posted share of a job (a step, or preparing images), on whichever thread takes it first (the worker, or the
    /// caller in <see cref="End"/>); does nothing if the other one took it.
    /// </summary>
    private void RunJob()
    {
        if (Interlocked.CompareExchange(ref _posted, 0, 1) != 1) return;
        var ws = _workspace!;
        try
        {
            _share.Run(_members, ws, _job);
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
