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

    public void RunOn(AttentionDecoder member, DecoderWorkspace ws)
    {
        if (_prepare) member.PrepareImages(new ReadOnlySpan<float>(_grids, _gridFloats), _images, ws);
        else member.Step(ws);
    }
}
