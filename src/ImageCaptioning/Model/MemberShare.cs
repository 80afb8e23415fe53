namespace ImageCaptioning.Model;

/// <summary>
/// One thread's share of an ensemble job: members [<see cref="First"/>, <see cref="End"/>) whole, and, when
/// <see cref="PartMember"/> ≥ 0, that member's images or rows [<see cref="PartFirst"/>, PartFirst + <see cref="PartCount"/>).
/// Two threads get half the members each; an odd member out is cut in two when that gives the same bits
/// (<see cref="MemberJob.SplitsExactly"/>), so three decoders on two cores keep both busy instead of one doing two.
/// </summary>
internal readonly record struct MemberShare(int First, int End, int PartMember, int PartFirst, int PartCount)
{
    /// <summary>The caller's share and the worker's of <paramref name="job"/> over <paramref name="members"/> decoders.</summary>
    public static (MemberShare Caller, MemberShare Worker) Halves(int members, MemberJob job, DecoderWorkspace ws)
    {
        int half = members / 2;
        if (members % 2 == 0) return (new(0, half, -1, 0, 0), new(half, members, -1, 0, 0));
        int last = members - 1, extent = job.Extent(ws);
        if (!job.SplitsExactly(ws)) return (new(0, half, -1, 0, 0), new(half, members, -1, 0, 0));   // the odd member whole, on the worker
        int cut = extent / 2;
        return (new(0, half, last, 0, cut), new(half, last, last, cut, extent - cut));
    }

    /// <summary>Runs this share of <paramref name="job"/>; member k works in <paramref name="ws"/> (k = 0) or its companion k − 1.</summary>
    public void Run(IReadOnlyList<AttentionDecoder> members, DecoderWorkspace ws, MemberJob job)
    {
        for (int k = First; k < End; k++) job.RunOn(members[k], Workspace(ws, k));
        if (PartMember >= 0 && PartCount > 0) job.RunPart(members[PartMember], Workspace(ws, PartMember), PartFirst, PartCount);
    }

    public static DecoderWorkspace Workspace(DecoderWorkspace ws, int member) =>
        member == 0 ? ws
        : ws.Companions.Length >= member ? ws.Companions[member - 1]
        : throw new InvalidOperationException("This workspace was not created by the ensemble (DecoderEnsemble.CreateWorkspace).");
}
