using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace ImageCaptioning.Model;

/// <summary>
/// Several decoders of the same sizes and vocabulary decoding together: every member runs the same rows (same tokens,
/// same beams) on its own state, and the ensemble's next-word distribution is the mean of the members' probabilities,
///   log p(w) = log( (1/K) Σ_k p_k(w) )                                        [R, V]
/// and its attention the mean of their attention maps (each row still sums to 1)   [R, P].
/// Independently trained decoders make different mistakes, so the average is a better model than either; it costs
/// K decoder steps per step, which run on both cores when the call is alone (<see cref="EnsembleStepWorker"/>).
/// Member 0 works in the search's workspace, member k in that workspace's companion k − 1, which
/// <see cref="DecoderWorkspace.ReorderRows"/> keeps in step.
/// </summary>
public sealed class DecoderEnsemble : IStepDecoder
{
    private readonly AttentionDecoder[] _members;

    public DecoderEnsemble(IReadOnlyList<AttentionDecoder> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count < 2) throw new ArgumentException("an ensemble needs at least two decoders", nameof(members));
        var first = members[0].Config;
        foreach (var member in members)
            if (member.Config with { Dropout = first.Dropout } != first)
                throw new ModelFormatException("The decoders of an ensemble must have the same sizes and vocabulary.");
        _members = [.. members];
        _worker = new EnsembleStepWorker(_members);
    }

    private readonly EnsembleStepWorker _worker;

    public IReadOnlyList<AttentionDecoder> Members => _members;
    public DecoderConfig Config => _members[0].Config;

    public DecoderWorkspace CreateWorkspace(int maxRows, int maxImages)
    {
        var ws = _members[0].CreateWorkspace(maxRows, maxImages);
        ws.Companions = [.. _members.Skip(1).Select(m => m.CreateWorkspace(maxRows, maxImages))];
        return ws;
    }

    /// <summary>Every member projects the grids into its own workspace, side by side when alone (see <see cref="RunMembers"/>).</summary>
    public unsafe void PrepareImages(ReadOnlySpan<float> grids, int images, DecoderWorkspace ws)
    {
        fixed (float* pinned = grids)                                       // the worker reads them until RunMembers returns
            RunMembers(ws, MemberJob.Prepare(pinned, grids.Length, images));
    }

    public void StartRows(DecoderWorkspace ws, int images, int rowsPerImage, int startToken)
    {
        _members[0].StartRows(ws, images, rowsPerImage, startToken);
        for (int k = 1; k < _members.Length; k++) _members[k].StartRows(Companion(ws, k), images, rowsPerImage, startToken);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(DecoderWorkspace ws)
    {
        int R = ws.Rows, V = Config.VocabSize, P = Config.Positions, K = _members.Length;
        RunMembers(ws, MemberJob.Step);
        var logp = ws.LogProbs.AsSpan(0, R * V);                          // [R, V] member 0, becomes the mean
        var alpha = ws.Alpha.AsSpan(0, R * P);                            // [R, P]
        for (int k = 1; k < K; k++)
        {
            var companion = Companion(ws, k);
            // Running log-sum-exp: logp ← log(exp(logp) + exp(logp_k)) = max + log(1 + exp(min − max)), elementwise.
            var other = companion.LogProbs.AsSpan(0, R * V);
            var low = companion.EnsembleScratch(R * V);
            TensorPrimitives.Min(logp, other, low);
            TensorPrimitives.Max(logp, other, logp);
            TensorPrimitives.Subtract(low, logp, low);
            TensorPrimitives.Exp(low, low);
            TensorPrimitives.Add(low, 1f, low);
            TensorPrimitives.Log(low, low);
            TensorPrimitives.Add(logp, low, logp);
            TensorPrimitives.Add(alpha, companion.Alpha.AsSpan(0, R * P), alpha);
        }
        TensorPrimitives.Subtract(logp, MathF.Log(K), logp);             // mean of probabilities
        TensorPrimitives.Multiply(alpha, 1f / K, alpha);                  // mean attention
    }

    /// <summary>
    /// Every member's part of <paramref name="job"/>: alone (ws.MaxThreads &gt; 1) the caller runs half the members while
    /// the worker thread runs the other half (<see cref="MemberShare.Halves"/>): an odd member out is cut in two when that
    /// changes no bit, or else computed by both threads together afterwards; each thread single-threaded. Otherwise (a busy
    /// server, whose cores serve other requests) one member after another.
    /// </summary>
    private void RunMembers(DecoderWorkspace ws, MemberJob job)
    {
        int threads = ws.MaxThreads, last = _members.Length - 1;
        SetThreads(ws, threads);
        if (threads > 1)
        {
            var (mine, theirs, oddTogether) = MemberShare.Halves(_members.Length, job, ws, job.CanRunTogether(_members[last], Companion(ws, last)));
            if (RunShares(ws, job, mine, theirs, together: false))
            {
                if (job.IsStep && mine.PartMember >= 0) Companion(ws, mine.PartMember).CommitNextState();    // the cut member's halves are done
                if (oddTogether)
                {
                    _barrier.Reset();
                    if (!RunShares(ws, job, MemberShare.PartOfTogether(last, 0, _barrier), MemberShare.PartOfTogether(last, 1, _barrier), together: true))
                        job.RunOn(_members[last], Companion(ws, last));                  // another caller took the worker meanwhile
                    else if (job.IsStep) Companion(ws, last).CommitNextState();
                }
                return;
            }
        }
        for (int k = 0; k < _members.Length; k++) job.RunOn(_members[k], Companion(ws, k));
    }

    private readonly TwoThreadBarrier _barrier = new();

    /// <summary>
    /// <paramref name="mine"/> here while the worker runs <paramref name="theirs"/>, each single-threaded; false (nothing run)
    /// if the worker is busy with another caller. <paramref name="together"/>: the shares meet at barriers, so the worker
    /// must have taken its share before this thread starts.
    /// </summary>
    private bool RunShares(DecoderWorkspace ws, MemberJob job, MemberShare mine, MemberShare theirs, bool together)
    {
        int threads = ws.MaxThreads;
        if (!(together ? _worker.TryBeginTogether(ws, job, theirs) : _worker.TryBegin(ws, job, theirs))) return false;
        SetThreads(ws, 1);
        try { mine.Run(_members, ws, job); }
        finally
        {
            _worker.End();
            SetThreads(ws, threads);
        }
        return true;
    }

    /// <summary>The thread cap of the workspace and its companions (1 while the members run side by side).</summary>
    private static void SetThreads(DecoderWorkspace ws, int threads)
    {
        ws.MaxThreads = threads;
        foreach (var companion in ws.Companions) companion.MaxThreads = threads;
    }

    /// <summary>Member <paramref name="member"/>'s workspace: <paramref name="ws"/> itself for member 0, else its companion.</summary>
    private static DecoderWorkspace Companion(DecoderWorkspace ws, int member) => MemberShare.Workspace(ws, member);
}
