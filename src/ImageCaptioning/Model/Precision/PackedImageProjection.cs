using ImageCaptioning.Numerics;

namespace ImageCaptioning.Model;

/// <summary>
/// The weights of the per-image products (<see cref="AttentionDecoder.PrepareImages(ReadOnlySpan{float}, int, DecoderWorkspace)"/>:
/// W_p's own and parent columns, W_f) packed once for the GEMM kernel (<see cref="PrepackedMatrix"/>), whole and as the two
/// halves of their outputs that two threads compute together (<see cref="StepPart"/>). Otherwise every image packs 1.1 M
/// weights again, which at one image costs a large share of the products themselves. The same panels the GEMM would pack,
/// so the same bits. A snapshot, for weights that no longer change, like <see cref="CompactStepWeights"/>.
/// With <see cref="DecoderConfig.Int8ImageProjection"/> W_p's two products read int8 weights and u8 inputs instead
/// (<see cref="Int8PackedMatrix"/>): the grid's many cells make W_p the largest product of a caption, and an int8 encoder's
/// features are u8 values already. W_f stays float32 (v is not a u8 grid, and it is a small product).
/// </summary>
internal sealed class PackedImageProjection
{
    /// <summary>
    /// One part's rows of each weight: W_p's own columns (all of W_p for a plain grid), its parent columns (null for a
    /// plain grid), W_f; null where the part has no outputs.
    /// </summary>
    public sealed record Matrices(IPackedWeight? Own, IPackedWeight? Parent, IPackedWeight? Attention);

    private readonly PackedParts<Matrices> _parts;

    public PackedImageProjection(DecoderParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        _parts = new(part => Pack(p, part));
        // The halves' int8 rows are the whole's rows (scales are per output), so a member prepared in halves gets the same bits.
    }

    /// <summary>The matrices of <paramref name="part"/>'s outputs (whole, or one of two halves).</summary>
    public Matrices For(StepPart part) => _parts.For(part);

    private static Matrices Pack(DecoderParameters p, StepPart part)
    {
        var c = p.Config;
        int e = c.EncoderDim, d = c.FeatureDim, a = c.AttentionDim;
        int own = c.ParentCells?.OwnChannels ?? e;
        var (v0, v1) = part.Columns(d);
        var (a0, a1) = part.Columns(a);
        bool hasFeatures = v1 > v0, hasAttention = a1 > a0;
        IPackedWeight Features(int k0, int k1) => c.Int8ImageProjection
            ? new Int8PackedMatrix(PackedParts.Block(p.FeatureProjWeight, e, v0, v1, k0, k1), v1 - v0, k1 - k0)
            : new PrepackedMatrix(PackedParts.Block(p.FeatureProjWeight, e, v0, v1, k0, k1), v1 - v0, k1 - k0);
        return new Matrices(
            hasFeatures ? Features(0, own) : null,                                                                              // W_p[v0:v1, :own]
            hasFeatures && own < e ? Features(own, e) : null,                                                                   // W_p[v0:v1, own:]
            hasAttention ? new PrepackedMatrix(PackedParts.Block(p.FeatureAttWeight, d, a0, a1, 0, d), a1 - a0, d) : null);                // W_f[a0:a1, :]
    }
}
