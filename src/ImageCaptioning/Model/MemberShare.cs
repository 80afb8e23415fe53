namespace ImageCaptioning.Model;

/// <summary>
/// One thread's share of an ensemble job: members [<see cref="First"/>, <see cref="End"/>) whole, and, when
/// <see cref="PartMember"/> ≥ 0, that member's images or rows [<see cref="PartFirst"/>, PartFirst + <see cref="PartCount"/>),
/// or (<see cref="Together"/> not whole) its part of that member's step computed with the other thread.
/// Two threads get half the members each; an odd member out is cut in two when that gives the same bits
/// (<see cref="MemberJob.SplitsExactly"/>: many rows, or several images), or else, at a lone caption's few rows, computed
/// by both threads together after the others (<see cref="Together"/>), so three decoders on two cores keep both busy
/// instead of one doing two.
/// </summary>
internal readonly record struct MemberShare(int First, int End, int PartMember, int PartFirst, int PartCount, StepPart Together = default)
{
    /// <summary>The second round of a job whose odd member the two threads compute together: part <paramref name="index"/> of it.</summary>
    public static MemberShare PartOfTogether(int member, int index, TwoThreadBarrier barrier) => new(0, 0, member, 0, 0, new StepPart(index, 2, barrier));

    /// <summary>
    /// The caller's share and the worker's of <paramref name="job"/> over <paramref name="members"/> decoders, and whether
    /// the odd member is left for a second round in which both threads compute it together.
    /// </summary>
    public static (MemberShare Caller, MemberShare Worker, bool OddMemberTogether) Halves(int members, MemberJob job, DecoderWorkspace ws,
        bool oddMemberCanRunTogether)
    {
        int half = members / 2;
        if (members % 2 == 0) return (new(0, half, -1, 0, 0), new(half, members, -1, 0, 0), false);
        int last = members - 1, extent = job.Extent(ws);
        if (job.SplitsExactly(ws))
        {
            int cut = extent / 2;
            return (new(0, half, last, 0, cut), new(half, last, last, cut, extent - cut), false);
        }
        if (oddMemberCanRunTogether && last > 0) return (new(0, half, -1, 0, 0), new(half, last, -1, 0, 0), true);
        return (new(0, half, -1, 0, 0), new(half, members, -1, 0, 0), false);                          // the odd member whole, on the worker
    }

    /// <summary>Runs this share of <paramref name="job"/>; member k works in <paramref name="ws"/> (k = 0) or its companion k − 1.</summary>
    public void Run(IReadOnlyList<AttentionDecoder> members, DecoderWorkspace ws, MemberJob job)
    {
        for (int k = First; k < End; k++) job.RunOn(members[k], Workspace(ws, k));
        if (PartMember < 0) return;
        if (Together.Count > 1)
        {
            try { job.RunTogether(members[PartMember], Workspace(ws, PartMember), Together); }
            catch
            {
                Together.Barrier?.Break();                  // the other part must not wait at a barrier for this one
                throw;
            }
        }
        else if (PartCount > 0) job.RunPart(members[PartMember], Workspace(ws, PartMember), PartFirst, PartCount);
    }

    public static DecoderWorkspace Workspace(DecoderWorkspace ws, int member) =>
        member == 0 ? ws
        : ws.Companions.Length >= member ? ws.Companions[member - 1]
        : throw new InvalidOperationException("This workspace was not created by the ensemble (DecoderEnsemble.CreateWorkspace).");
}
