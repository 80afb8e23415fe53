using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ImageCaptioning.Numerics;

/// <summary>
/// Loads of compactly stored weights (<see cref="CompactMatrix"/>) widened to float32 vectors of one width, for the
/// <see cref="CompactGemm"/> kernels, which pair one of these (the weight format) with an <see cref="IFloatVectorOps{TVec}"/>
/// of the same vector type (the arithmetic).
/// </summary>
internal unsafe interface IWeightLoader<TVec> where TVec : struct
{
    /// <summary>Bytes one stored weight takes (a constant the JIT folds into the kernels' address arithmetic).</summary>
    static abstract int WeightBytes { get; }

    /// <summary>One vector's worth of stored weights at <paramref name="source"/>, widened to float32 (before any per-row scale).</summary>
    static abstract TVec LoadWeights(byte* source);

    /// <summary>One stored weight at <paramref name="source"/>, widened to float32 (the k % width tail).</summary>
    static abstract float LoadWeight(byte* source);
}

/// <summary>
/// Exact float16 → float32 for finite values with integer ops (.NET has no intrinsic for F16C's vcvtph2ps): move the 15
/// exponent+mantissa bits up by 13 (into float32's fields, keeping the sign in bit 31), then multiply by 2¹¹² to re-bias
/// the exponent from 15 to 127. The multiply also turns float16 subnormals (exponent 0) into the right normal float32
/// values, and zero stays zero. Infinities and NaN would come out as large finite numbers: weights never hold them
/// (the loader rejects them).
/// </summary>
internal static class HalfWidening
{
    /// <summary>Keeps bit 31 (the sign, copied there by sign extension) and bits 13–27 (exponent and mantissa).</summary>
    public const int Mask = unchecked((int)0x8FFFE000);

    /// <summary>
    /// 2¹¹² = 2^(127 − 15), exactly. A literal, not a static readonly field: a field read in the kernels' loops comes
    /// with a class-initialisation check whose helper call makes the JIT spill every accumulator to the stack.
    /// </summary>
    public const float Rebias = 5.192296858534828E+33f;

    /// <summary>2⁻¹¹², exactly (see <see cref="Rebias"/>).</summary>
    public const float InverseRebias = 1.925929944387236E-34f;

    /// <summary>(sext(h) &lt;&lt; 13) &amp; Mask as float = h · 2⁻¹¹²; <paramref name="signExtended"/> = sext(h) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenUnscaled(Vector512<int> signExtended) => ((signExtended << 13) & Vector512.Create(Mask)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenUnscaled(Vector256<int> signExtended) => ((signExtended << 13) & Vector256.Create(Mask)).AsSingle();

    /// <summary>16 binary16 values sign-extended to int32 lanes (vpmovsxwd).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<int> SignExtend16(ushort* source) => Avx512F.IsSupported
        ? Avx512F.ConvertToVector512Int32(Vector256.Load((short*)source))
        : Vector512.WidenLower(Vector256.Load((short*)source).ToVector512Unsafe());
}

/// <summary>AVX-512 float16: 16 weights widened with vpmovsxwd + vpslld + vpandd + vmulps.</summary>
internal readonly unsafe struct Half512Ops : IWeightLoader<Vector512<float>>
{
    public static int WeightBytes => sizeof(ushort);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> LoadWeights(byte* source) => LoadHalf((ushort*)source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadWeight(byte* source) => HalfScalarOps.LoadHalf((ushort*)source);

    /// <summary>16 binary16 values at <paramref name="source"/>, widened exactly to float32 (finite inputs only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadHalf(ushort* source) =>
        HalfWidening.WidenUnscaled(HalfWidening.SignExtend16(source)) * Vector512.Create(HalfWidening.Rebias);
}

/// <summary>
/// <see cref="Half512Ops"/> without the widening's multiply by 2¹¹²: its weights come out as w·2⁻¹¹² (exactly: float16
/// normals land on float32 normals, float16 subnormals on exact float32 subnormals), for x rows that
/// <see cref="CompactGemm"/> has multiplied by 2¹¹² beforehand, so every product x·w, and therefore every sum, is bit for
/// bit the one <see cref="Half512Ops"/> gives, for one instruction less per 16 weights in the kernels' inner loop.
/// </summary>
internal readonly unsafe struct Half512PrescaledOps : IWeightLoader<Vector512<float>>
{
    /// <summary>What the x rows are multiplied by first: 2¹¹² (exact; |x| must stay below 2¹⁶, else it would overflow).</summary>
    public const float XScale = HalfWidening.Rebias;

    public static int WeightBytes => sizeof(ushort);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadWeights(byte* source) => HalfWidening.WidenUnscaled(HalfWidening.SignExtend16((ushort*)source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadWeight(byte* source) => HalfScalarOps.LoadHalf((ushort*)source) * HalfWidening.InverseRebias;
}

/// <summary>
/// The portable level's float16: <see cref="Vector{T}"/> lanes (256-bit on AVX2 machines, widened with vpmovsxwd); on
/// other CPUs the lanes are converted one by one (correct, not fast: no such machine runs the shipped model today).
/// </summary>
internal readonly unsafe struct HalfVectorTOps : IWeightLoader<Vector<float>>
{
    public static int WeightBytes => sizeof(ushort);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<float> LoadWeights(byte* source) => LoadHalf((ushort*)source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadWeight(byte* source) => HalfScalarOps.LoadHalf((ushort*)source);

    /// <summary><c>Vector&lt;float&gt;.Count</c> binary16 values at <paramref name="source"/>, widened exactly to float32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> LoadHalf(ushort* source)
    {
        if (Avx2.IsSupported && Vector<float>.Count == Vector256<float>.Count)
            return (HalfWidening.WidenUnscaled(Avx2.ConvertToVector256Int32((short*)source)) * Vector256.Create(HalfWidening.Rebias)).AsVector();
        return LoadHalfSlow(source);
    }

    private static Vector<float> LoadHalfSlow(ushort* source)
    {
        Span<float> lanes = stackalloc float[Vector<float>.Count];
        for (int i = 0; i < lanes.Length; i++) lanes[i] = (float)BitConverter.UInt16BitsToHalf(source[i]);
        return new Vector<float>(lanes);
    }
}

/// <summary>One float16 weight per "vector", converted by <see cref="Half"/>'s own cast.</summary>
internal readonly unsafe struct HalfScalarOps : IWeightLoader<float>
{
    public static int WeightBytes => sizeof(ushort);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadWeights(byte* source) => LoadHalf((ushort*)source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadWeight(byte* source) => LoadHalf((ushort*)source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadHalf(ushort* source) => (float)BitConverter.UInt16BitsToHalf(*source);
}
