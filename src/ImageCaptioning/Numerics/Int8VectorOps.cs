using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ImageCaptioning.Numerics;

/// <summary>
/// AVX-512 int8: 16 weights (16 bytes) widened to float32 with vpmovsxbd + vcvtdq2ps, two instructions where float16
/// takes three or four (<see cref="HalfWidening"/>), for a quarter of float32's bytes. The row's scale is applied once
/// per dot product, after the sum (<see cref="CompactGemm"/>), not per weight.
/// </summary>
internal readonly unsafe struct Int8x512Ops : IWeightLoader<Vector512<float>>
{
    public static int WeightBytes => sizeof(sbyte);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadWeights(byte* source) => Avx512F.IsSupported
        ? Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.Load((sbyte*)source)))
        : Vector512.ConvertToSingle(Vector512.WidenLower(Vector512.WidenLower(Vector128.Load((sbyte*)source).ToVector256Unsafe().ToVector512Unsafe())));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadWeight(byte* source) => *(sbyte*)source;
}

/// <summary>The portable level's int8: <see cref="Vector{T}"/> lanes (8 on AVX2, widened with vpmovsxbd), else one by one.</summary>
internal readonly unsafe struct Int8VectorTOps : IWeightLoader<Vector<float>>
{
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

/// <summary>One int8 weight per "vector".</summary>
internal readonly unsafe struct Int8ScalarOps : IWeightLoader<float>
{
    public static int WeightBytes => sizeof(sbyte);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadWeights(byte* source) => *(sbyte*)source;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LoadWeight(byte* source) => *(sbyte*)source;
}
