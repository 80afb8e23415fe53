namespace ImageCaptioning.Model;

/// <summary>
/// What an ensemble asks of each member in one go: a decoding step, or preparing new images from grids the caller keeps
/// pinned until every member is done. A value, so handing it to the worker thread allocates nothing.
/// </summary>
internal readonly unsafe struct MemberJob
{
    private readonly bool _prepare;
    private readonly float* _grids;          // [images, P, E]
    private readonly int _gridFloats, _images;

    private MemberJob(float* grids, int gridFloats, int images)
    {
        _prepare = true;
        _grids = grids;
        _gridFloats = gridFloats;
        _images = images;
    }

    public static MemberJob Step => default;

    /// <summary>Preparing <paramref name="images"/> images; <paramref name="grids"/> must stay pinned while the job runs.</summary>
    public static MemberJob Prepare(float* grids, int gridFloats, int images) => new(grids, gridFloats, images);

    public bool IsStep => !_prepare;

    /// <summary>What a member's part of the job is cut along: the images to prepare, or the step's rows.</summary>
    public int Extent(DecoderWorkspace ws) => _prepare ? _images : ws.Rows;

    /// <summary>True when running a member's job as two halves of <see cref="Extent"/> gives the same bits as running it whole.</summary>
    public bool SplitsExactly(DecoderWorkspace ws) => _prepare ? _images >= 2 : AttentionDecoder.SplitsExactly(ws.Rows);

    /// <summary>The member's whole job (a step includes committing its new state).</summary>
    public void RunOn(AttentionDecoder member, DecoderWorkspace ws)
    {
        if (_prepare) member.PrepareImages(new ReadOnlySpan<float>(_grids, _gridFloats), _images, ws);
        else member.Step(ws);
    }

    /// <summary>
    /// True when two threads can compute one member's job together (<see cref="RunTogether"/>): preparing images (the
    /// projections' output columns shared), or a step of few rows on compact weights.
    /// </summary>
    public bool CanRunTogether(AttentionDecoder member, DecoderWorkspace ws) => _prepare || member.CanStepInParts(ws.Rows);

    /// <summary>This thread's <paramref name="part"/> of the member's whole job, computed with the other part's thread; a step's new state waits for a commit.</summary>
    public void RunTogether(AttentionDecoder member, DecoderWorkspace ws, StepPart part)
    {
        if (_prepare) member.PrepareImages(new ReadOnlySpan<float>(_grids, _gridFloats), 0, _images, ws, part);
        else member.StepRows(ws, 0, ws.Rows, part);
    }

    /// <summary>
    /// The member's job for images or rows [first, first + count) only; a step's new state waits in the workspace for
    /// <see cref="DecoderWorkspace.CommitNextState"/> once every part is done.
    /// </summary>
    public void RunPart(AttentionDecoder member, DecoderWorkspace ws, int first, int count)
    {
        if (_prepare) member.PrepareImages(new ReadOnlySpan<float>(_grids, _gridFloats), first, count, ws);
        else member.StepRows(ws, first, count);
    }
}
