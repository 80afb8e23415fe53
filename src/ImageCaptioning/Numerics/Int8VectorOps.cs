using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ImageCaptioning.Numerics;

/// <summary>
/// AVX-512: 16 int8 weights (16 bytes) widened to float32 with vpmovsxbd + vcvtdq2ps, two instructions where float16
/// takes four (<see cref="HalfWidening"/>), for a quarter of float32's bytes. The row's scale is applied once per dot
/// product, after the sum (<see cref="CompactGemm"/>), not per weight.
/// </summary>
internal readonly unsafe struct Int8x512Ops : ICompactWeightOps<Vector512<float>>
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

    public static int WeightBytes => sizeof(sbyte);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadWeights(byte* source) => Avx512F.IsSupported
        ? Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.Load((sbyte*)source)))
        : Vector512.ConvertToSingle(Vector512.WidenLower(Vector512.WidenLower(Vector128.Load((sbyte*)source).ToVector256Unsafe().ToVector512Unsafe())));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadWeight(byte* source) => *(sbyte*)source;
}

/// <summary>The portable level: <see cref="Vector{T}"/> lanes (8 on AVX2, widened with vpmovsxbd), else one by one.</summary>
internal readonly unsafe struct Int8VectorTOps : ICompactWeightOps<Vector<float>>
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

    public static int WeightBytes => sizeof(sbyte);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> LoadWeights(byte* source)
    {
        if (Avx2.IsSupported && Vector<float>.Count == Vector256<float>.Count)
            return Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32((sbyte*)source)).AsVector();
        return LoadWeightsSlow(source);
    }

    private static Vector<float> LoadWeightsSlow(byte* source)
    {
        Span<float> lanes = stackalloc float[Vector<float>.Count];
        for (int i = 0; i < lanes.Length; i++) lanes[i] = ((sbyte*)source)[i];
        return new Vector<float>(lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadWeight(byte* source) => *(sbyte*)source;
}

/// <summary>One weight per "vector".</summary>
internal readonly unsafe struct Int8ScalarOps : ICompactWeightOps<float>
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
    public static int WeightBytes => sizeof(sbyte);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadWeights(byte* source) => *(sbyte*)source;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadWeight(byte* source) => *(sbyte*)source;
}
