namespace ImageCaptioning.Numerics;

/// <summary>
/// One dedicated background thread that lets a caller split a <see cref="CompactGemm"/> product's output columns with a
/// second core, allocating nothing per call (Parallel.For allocates its closure, options and tasks on every call,
/// and the decoder's step loop must not). The columns are cut into <see cref="Shares"/> tile-aligned shares that both
/// threads claim from a shared counter, so if the helper is slow to wake (the machine is busy) the caller simply
/// takes more shares, and never waits for work that has not started. Only one caller at a time gets the helper;
/// another concurrent caller runs single-threaded (<see cref="TryRun"/> returns false). After a job the helper
/// spins for <see cref="SpinMicroseconds"/> before blocking, because a decoding step posts its next product within
/// tens of microseconds and waking a blocked thread costs about as much as the split saves on a small product.
/// </summary>
internal static unsafe class CompactGemmHelperThread
{
    /// <summary>Shares per product: enough for the caller to pick up a late helper's part, few enough that claiming is free.</summary>
    public const int Shares = 8;

    /// <summary>How long the idle helper polls for the next job before it blocks (about the gap between two products of one decoding step).</summary>
    public const int SpinMicroseconds = 200;

    private static int taken;          // 1 while a caller owns the helper
    private static int posted;         // 1 while a job is waiting for / being worked on by the helper
    private static int nextShare, doneShares;
    private static CompactGemmProblem job;
    private static GemmSimdLevel jobSimd;
    private static int jobGranules;

    // The helper works whenever a job is posted and shares are left to claim.
    private static readonly SpinThenBlockThread Helper = new("CompactGemm helper", SpinMicroseconds,
        () => Volatile.Read(ref posted) != 0 && Volatile.Read(ref nextShare) < Shares, WorkShares);

    /// <summary>
    /// Computes all of <paramref name="problem"/> on this thread and the helper, or returns false (doing nothing) when
    /// another caller is using the helper.
    /// </summary>
    public static bool TryRun(in CompactGemmProblem problem, GemmSimdLevel simd)
    {
        if (Interlocked.CompareExchange(ref taken, 1, 0) != 0) return false;
        try
        {
            job = problem;
            jobSimd = simd;
            jobGranules = (problem.N + 3) / 4;
            Volatile.Write(ref doneShares, 0);
            Volatile.Write(ref nextShare, 0);
            Interlocked.Exchange(ref posted, 1);           // full fence, then look whether the helper needs waking
            Helper.Notify();
            WorkShares();
            var spin = new SpinWait();
            while (Volatile.Read(ref doneShares) < Shares) spin.SpinOnce(sleep1Threshold: -1);
            Volatile.Write(ref posted, 0);
        }
        finally
        {
            Volatile.Write(ref taken, 0);
        }
        return true;
    }

    /// <summary>Claims and computes shares until none are left (both threads run this).</summary>
    private static void WorkShares()
    {
        int share;
        while ((share = Interlocked.Increment(ref nextShare) - 1) < Shares)
        {
            // Share s gets column granules [s·G/S, (s+1)·G/S) of 4 columns each (a kernel group never straddles two shares).
            int first = (int)((long)jobGranules * share / Shares) * 4;
            int last = Math.Min(job.N, (int)((long)jobGranules * (share + 1) / Shares) * 4);
            if (last > first) CompactGemm.RunColumns(job, first, last, jobSimd);
            Interlocked.Increment(ref doneShares);
        }
    }
}
