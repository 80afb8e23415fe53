using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ImageCaptioning.Numerics;

/// <summary>
/// The "dot" kernels of the few-row products (<see cref="SkinnyGemm"/> with B transposed, <see cref="CompactGemm"/>): each
/// output element is a dot product along k of an x row with a weight row, 4×4 elements sharing their loads. One copy for
/// every weight format: float32 rows come in through <see cref="Float32Weights{TOps,TVec}"/>.
/// </summary>
internal static unsafe class DotKernels
{
    /// <summary>
    /// sums[r·4 + j] = Σ_p x_r[p]·w_j[p] for 4 x rows (stride ldx; with rows &lt; 4 the last real row repeats, so
    /// 2–3 rows still read W once) and 4 W rows; vector lanes over k, one horizontal sum each, then the k % W tail.
    /// <typeparamref name="TFourthRow"/> drops the fourth row's work for exactly 3 rows (beam 3 at batch 1 is bound by arithmetic).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot4x4<TOps, TWeights, TVec, TFourthRow>(float* x, nint ldx, int rows, byte* w0, byte* w1, byte* w2, byte* w3, int k, float* sums)
        where TOps : struct, IFloatVectorOps<TVec> where TWeights : struct, IWeightLoader<TVec> where TVec : struct where TFourthRow : struct, IFourthRow
    {
        int width = TOps.Count;
        float* x0 = x, x1 = x + Math.Min(1, rows - 1) * ldx, x2 = x + Math.Min(2, rows - 1) * ldx, x3 = x + Math.Min(3, rows - 1) * ldx;
        TVec s00 = TOps.Zero, s01 = TOps.Zero, s02 = TOps.Zero, s03 = TOps.Zero;
        TVec s10 = TOps.Zero, s11 = TOps.Zero, s12 = TOps.Zero, s13 = TOps.Zero;
        TVec s20 = TOps.Zero, s21 = TOps.Zero, s22 = TOps.Zero, s23 = TOps.Zero;
        TVec s30 = TOps.Zero, s31 = TOps.Zero, s32 = TOps.Zero, s33 = TOps.Zero;
        int p = 0;
        for (; p + width <= k; p += width)
        {
            TVec y0 = TWeights.LoadWeights(w0 + p * TWeights.WeightBytes), y1 = TWeights.LoadWeights(w1 + p * TWeights.WeightBytes), y2 = TWeights.LoadWeights(w2 + p * TWeights.WeightBytes), y3 = TWeights.LoadWeights(w3 + p * TWeights.WeightBytes);
            TVec v = TOps.Load(x0 + p);
            s00 = TOps.MultiplyAdd(v, y0, s00); s01 = TOps.MultiplyAdd(v, y1, s01); s02 = TOps.MultiplyAdd(v, y2, s02); s03 = TOps.MultiplyAdd(v, y3, s03);
            v = TOps.Load(x1 + p);
            s10 = TOps.MultiplyAdd(v, y0, s10); s11 = TOps.MultiplyAdd(v, y1, s11); s12 = TOps.MultiplyAdd(v, y2, s12); s13 = TOps.MultiplyAdd(v, y3, s13);
            v = TOps.Load(x2 + p);
            s20 = TOps.MultiplyAdd(v, y0, s20); s21 = TOps.MultiplyAdd(v, y1, s21); s22 = TOps.MultiplyAdd(v, y2, s22); s23 = TOps.MultiplyAdd(v, y3, s23);
            if (TFourthRow.Present)
            {
                v = TOps.Load(x3 + p);
                s30 = TOps.MultiplyAdd(v, y0, s30); s31 = TOps.MultiplyAdd(v, y1, s31); s32 = TOps.MultiplyAdd(v, y2, s32); s33 = TOps.MultiplyAdd(v, y3, s33);
            }
        }
        TOps.SumEach(s00, s01, s02, s03).Store(sums);
        TOps.SumEach(s10, s11, s12, s13).Store(sums + 4);
        TOps.SumEach(s20, s21, s22, s23).Store(sums + 8);
        if (TFourthRow.Present) TOps.SumEach(s30, s31, s32, s33).Store(sums + 12);
        if (p < k)
        {
            AddTail<TWeights, TVec>(x0, w0, w1, w2, w3, p, k, sums);
            AddTail<TWeights, TVec>(x1, w0, w1, w2, w3, p, k, sums + 4);
            AddTail<TWeights, TVec>(x2, w0, w1, w2, w3, p, k, sums + 8);
            if (TFourthRow.Present) AddTail<TWeights, TVec>(x3, w0, w1, w2, w3, p, k, sums + 12);
        }
    }

    /// <summary>Whether <see cref="Dot4x4"/> computes its fourth row: a type argument, so the JIT compiles each kernel without the test.</summary>
    public interface IFourthRow { static abstract bool Present { get; } }
    public struct FourRows : IFourthRow { public static bool Present => true; }
    public struct ThreeRows : IFourthRow { public static bool Present => false; }

    /// <summary>sums[j] = Σ_p x[p]·w_j[p] for one x row and 4 W rows (the same arithmetic per element as <see cref="Dot4x4"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot1x4<TOps, TWeights, TVec>(float* x, byte* w0, byte* w1, byte* w2, byte* w3, int k, float* sums)
        where TOps : struct, IFloatVectorOps<TVec> where TWeights : struct, IWeightLoader<TVec> where TVec : struct
    {
        int width = TOps.Count;
        TVec s0 = TOps.Zero, s1 = TOps.Zero, s2 = TOps.Zero, s3 = TOps.Zero;
        int p = 0;
        for (; p + width <= k; p += width)
        {
            TVec v = TOps.Load(x + p);
            s0 = TOps.MultiplyAdd(v, TWeights.LoadWeights(w0 + p * TWeights.WeightBytes), s0);
            s1 = TOps.MultiplyAdd(v, TWeights.LoadWeights(w1 + p * TWeights.WeightBytes), s1);
            s2 = TOps.MultiplyAdd(v, TWeights.LoadWeights(w2 + p * TWeights.WeightBytes), s2);
            s3 = TOps.MultiplyAdd(v, TWeights.LoadWeights(w3 + p * TWeights.WeightBytes), s3);
        }
        TOps.SumEach(s0, s1, s2, s3).Store(sums);
        if (p < k) AddTail<TWeights, TVec>(x, w0, w1, w2, w3, p, k, sums);
    }

    /// <summary>The k % W terms a vector loop leaves over, one at a time (not inlined: a call in the kernel would make the JIT spill its accumulators).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddTail<TWeights, TVec>(float* x, byte* w0, byte* w1, byte* w2, byte* w3, int from, int k, float* sums)
        where TWeights : struct, IWeightLoader<TVec> where TVec : struct
    {
        for (int p = from; p < k; p++)
        {
            float v = x[p];
            nint at = (nint)p * TWeights.WeightBytes;
            sums[0] += v * TWeights.LoadWeight(w0 + at); sums[1] += v * TWeights.LoadWeight(w1 + at);
            sums[2] += v * TWeights.LoadWeight(w2 + at); sums[3] += v * TWeights.LoadWeight(w3 + at);
        }
    }
}

/// <summary>Float32 weights as an <see cref="IWeightLoader{TVec}"/>: plain loads, so <see cref="DotKernels"/> serves float32 B rows too.</summary>
internal readonly unsafe struct Float32Weights<TOps, TVec> : IWeightLoader<TVec>
    where TOps : struct, IFloatVectorOps<TVec> where TVec : struct
{
    public static int WeightBytes => sizeof(float);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec LoadWeights(byte* source) => TOps.Load((float*)source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadWeight(byte* source) => *(float*)source;
}
