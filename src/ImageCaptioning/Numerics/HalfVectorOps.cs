using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ImageCaptioning.Numerics;

/// <summary>
/// <see cref="IFloatVectorOps{TVec}"/> plus loads of compactly stored weights (<see cref="CompactMatrix"/>) widened to
/// float32, for the <see cref="CompactGemm"/> kernels: one implementation per storage format and vector width.
/// </summary>
internal unsafe interface ICompactWeightOps<TVec> : IFloatVectorOps<TVec> where TVec : struct
{
    /// <summary>Bytes one stored weight takes (a constant the JIT folds into the kernels' address arithmetic).</summary>
    static abstract int WeightBytes { get; }

    /// <summary><c>Count</c> stored weights at <paramref name="source"/>, widened to float32 (before any per-row scale).</summary>
    static abstract TVec LoadWeights(byte* source);

    /// <summary>One stored weight at <paramref name="source"/>, widened to float32 (the k % Count tail).</summary>
    static abstract float LoadWeight(byte* source);
}

/// <summary>
/// The float16 formats: .NET has no intrinsic for F16C's vcvtph2ps, so the vector forms widen with integer instructions
/// (see <see cref="HalfWidening"/>): sign-extend, shift, mask, one multiply.
/// </summary>
internal unsafe interface IHalfVectorOps<TVec> : ICompactWeightOps<TVec> where TVec : struct
{
    /// <summary><c>Count</c> binary16 values at <paramref name="source"/>, widened exactly to float32 (finite inputs only).</summary>
    static abstract TVec LoadHalf(ushort* source);
}

/// <summary>
/// Exact float16 → float32 for finite values with integer ops: move the 15 exponent+mantissa bits up by 13 (into
/// float32's fields, keeping the sign in bit 31), then multiply by 2¹¹² to re-bias the exponent from 15 to 127.
/// The multiply also turns float16 subnormals (exponent 0) into the right normal float32 values, and zero stays zero.
/// Infinities and NaN would come out as large finite numbers: weights never hold them (the loader rejects them).
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

    /// <summary>widened = ((sext(h) &lt;&lt; 13) &amp; Mask) as float · 2¹¹²; <paramref name="signExtended"/> = sext(h) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Widen(Vector512<int> signExtended) =>
        ((signExtended << 13) & Vector512.Create(Mask)).AsSingle() * Vector512.Create(Rebias);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Widen(Vector256<int> signExtended) =>
        ((signExtended << 13) & Vector256.Create(Mask)).AsSingle() * Vector256.Create(Rebias);
}

/// <summary>AVX-512: 16 floats per register; widening is vpmovsxwd + vpslld + vpandd + vmulps.</summary>
internal readonly unsafe struct Half512Ops : IHalfVectorOps<Vector512<float>>
{
    public static int Count => Vector512Ops.Count;
    public static Vector512<float> Zero => Vector512<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(float* source) => Vector512Ops.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* destination, Vector512<float> value) => Vector512Ops.Store(destination, value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Broadcast(float value) => Vector512Ops.Broadcast(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend) => Vector512Ops.MultiplyAdd(left, right, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> left, Vector512<float> right) => left + right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SumEach(Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3) =>
        Vector512Ops.SumEach(v0, v1, v2, v3);

    public static int WeightBytes => sizeof(ushort);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> LoadWeights(byte* source) => LoadHalf((ushort*)source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadWeight(byte* source) => HalfScalarOps.LoadHalf((ushort*)source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadHalf(ushort* source) =>
        HalfWidening.Widen(Avx512F.IsSupported
            ? Avx512F.ConvertToVector512Int32(Vector256.Load((short*)source))
            : Vector512.WidenLower(Vector256.Load((short*)source).ToVector512Unsafe()));
}

/// <summary>
/// <see cref="Half512Ops"/> without the widening's multiply by 2¹¹²: its weights come out as w·2⁻¹¹² (exactly: float16
/// normals land on float32 normals, float16 subnormals on exact float32 subnormals), for x rows that
/// <see cref="CompactGemm"/> has multiplied by 2¹¹² beforehand, so every product x·w, and therefore every sum, is bit for
/// bit the one <see cref="Half512Ops"/> gives, for one instruction less per 16 weights in the kernels' inner loop.
/// </summary>
internal readonly unsafe struct Half512PrescaledOps : ICompactWeightOps<Vector512<float>>
{
    /// <summary>What the x rows are multiplied by first: 2¹¹² (exact; |x| must stay below 2¹⁶, else it would overflow).</summary>
    public const float XScale = HalfWidening.Rebias;

    /// <summary>2⁻¹¹², to scale a weight for the scalar tail.</summary>
    private const float WeightScale = 1.925929944387236E-34f;

    public static int Count => Vector512Ops.Count;
    public static Vector512<float> Zero => Vector512<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(float* source) => Vector512Ops.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* destination, Vector512<float> value) => Vector512Ops.Store(destination, value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Broadcast(float value) => Vector512Ops.Broadcast(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend) => Vector512Ops.MultiplyAdd(left, right, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> left, Vector512<float> right) => left + right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SumEach(Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3) =>
        Vector512Ops.SumEach(v0, v1, v2, v3);

    public static int WeightBytes => sizeof(ushort);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadWeights(byte* source)
    {
        var signExtended = Avx512F.IsSupported
            ? Avx512F.ConvertToVector512Int32(Vector256.Load((short*)source))
            : Vector512.WidenLower(Vector256.Load((short*)source).ToVector512Unsafe());
        return ((signExtended << 13) & Vector512.Create(HalfWidening.Mask)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadWeight(byte* source) => HalfScalarOps.LoadHalf((ushort*)source) * WeightScale;
}

/// <summary>
/// The portable level: <see cref="Vector{T}"/> (256-bit on AVX2 machines, widened with vpmovsxwd); on other
/// CPUs the lanes are converted one by one (correct, not fast: no such machine runs the shipped model today).
/// </summary>
internal readonly unsafe struct HalfVectorTOps : IHalfVectorOps<Vector<float>>
{
    public static int Count => VectorTOps.Count;
    public static Vector<float> Zero => Vector<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<float> Load(float* source) => VectorTOps.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* destination, Vector<float> value) => VectorTOps.Store(destination, value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<float> Broadcast(float value) => VectorTOps.Broadcast(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> MultiplyAdd(Vector<float> left, Vector<float> right, Vector<float> addend) => VectorTOps.MultiplyAdd(left, right, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<float> Add(Vector<float> left, Vector<float> right) => left + right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SumEach(Vector<float> v0, Vector<float> v1, Vector<float> v2, Vector<float> v3) => VectorTOps.SumEach(v0, v1, v2, v3);

    public static int WeightBytes => sizeof(ushort);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector<float> LoadWeights(byte* source) => LoadHalf((ushort*)source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadWeight(byte* source) => HalfScalarOps.LoadHalf((ushort*)source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> LoadHalf(ushort* source)
    {
        if (Avx2.IsSupported && Vector<float>.Count == Vector256<float>.Count)
            return HalfWidening.Widen(Avx2.ConvertToVector256Int32((short*)source)).AsVector();
        return LoadHalfSlow(source);
    }

    private static Vector<float> LoadHalfSlow(ushort* source)
    {
        Span<float> lanes = stackalloc float[Vector<float>.Count];
        for (int i = 0; i < lanes.Length; i++) lanes[i] = (float)BitConverter.UInt16BitsToHalf(source[i]);
        return new Vector<float>(lanes);
    }
}

/// <summary>One float per "vector", converted by <see cref="Half"/>'s own cast.</summary>
internal readonly unsafe struct HalfScalarOps : IHalfVectorOps<float>
{
    public static int Count => 1;
    public static float Zero => 0f;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Load(float* source) => *source;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* destination, float value) => *destination = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Broadcast(float value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MultiplyAdd(float left, float right, float addend) => left * right + addend;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Add(float left, float right) => left + right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SumEach(float v0, float v1, float v2, float v3) => Vector128.Create(v0, v1, v2, v3);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadHalf(ushort* source) => (float)BitConverter.UInt16BitsToHalf(*source);
    public static int WeightBytes => sizeof(ushort);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadWeights(byte* source) => LoadHalf((ushort*)source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadWeight(byte* source) => LoadHalf((ushort*)source);
}
