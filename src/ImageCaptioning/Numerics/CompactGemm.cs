using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ImageCaptioning.Numerics;

/// <summary>
/// y[m×n] (+)= x[m×k] · Wᵀ (+ b) with W a <see cref="CompactMatrix"/> [n×k] (float16, or int8 with a scale per row; the
/// [out, in] weight layout) and x, y, b float32: the inference decoder's per-step products at a few rows. Like
/// <see cref="SkinnyGemm"/>'s "dot" form each y element is a dot product along k of an x row with a W row, 4×4 elements
/// sharing their loads, but W's values are widened in registers (<see cref="IWeightLoader{TVec}"/>), every sum is
/// accumulated in float32, and an int8 row's scale multiplies its finished sums. At m ≤ 4 the product reads each weight
/// once, so it is bound by memory traffic (and, for float16, by the widening): fewer bytes per weight is less time.
/// Larger m works (row groups of 4 re-read the same W rows from L1), but the float32 GEMM catches up
/// (the decoder's threshold is <c>CompactStepWeights.MaxRows</c>). One thread: a few-row product is too short to split.
/// </summary>
internal static unsafe class CompactGemm
{
    /// <summary>y = x·Wᵀ (+ bias when not empty) (+ y when <paramref name="accumulate"/>); rows of x at stride ldx, of y at ldy.</summary>
    /// <exception cref="ArgumentException">A size does not match W or a span is too short.</exception>
    public static void Multiply(ReadOnlySpan<float> x, int m, int ldx, CompactMatrix w, ReadOnlySpan<float> bias,
        Span<float> y, int ldy, bool accumulate = false) =>
        Multiply(GemmSimd.Best, x, m, ldx, w, bias, y, ldy, accumulate);

    /// <summary>The same on the kernels of <paramref name="simd"/> (tests force the fallback kernels).</summary>
    internal static void Multiply(GemmSimdLevel simd, ReadOnlySpan<float> x, int m, int ldx, CompactMatrix w, ReadOnlySpan<float> bias,
        Span<float> y, int ldy, bool accumulate = false)
    {
        int n = w.Rows, k = w.Cols;
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        if (m == 0 || n == 0) return;
        if (ldx < k) throw new ArgumentException($"ldx = {ldx} is less than k = {k}.", nameof(ldx));
        if (ldy < n) throw new ArgumentException($"ldy = {ldy} is less than n = {n}.", nameof(ldy));
        if (x.Length < (long)(m - 1) * ldx + k) throw new ArgumentException($"x is too short for {m}×{k} at stride {ldx}.", nameof(x));
        if (y.Length < (long)(m - 1) * ldy + n) throw new ArgumentException($"y is too short for {m}×{n} at stride {ldy}.", nameof(y));
        if (!bias.IsEmpty && bias.Length != n) throw new ArgumentException($"bias has {bias.Length} values, W has {n} rows.", nameof(bias));
        if (!GemmSimd.IsSupported(simd))
            throw new ArgumentException($"This CPU cannot run the {simd} kernels.", nameof(simd));
        fixed (float* px = x) fixed (float* pb = bias) fixed (float* py = y)      // W's storage is pinned for good
        {
            var problem = new CompactGemmProblem(px, ldx, w.Format, w.Data, w.RowScales, n, k, bias.IsEmpty ? null : pb, py, ldy, m, accumulate);
            RunColumns(problem, 0, n, simd);
        }
    }

    /// <summary>Output columns [first, last) of <paramref name="p"/>.</summary>
    private static void RunColumns(in CompactGemmProblem p, int first, int last, GemmSimdLevel simd)
    {
        switch (simd, p.Format)
        {
            case (GemmSimdLevel.Vector512, CompactFormat.Float16):
                if (!TryRunPrescaled(p, first, last)) Run<Vector512Ops, Half512Ops, Vector512<float>>(p, first, last);
                break;
            case (GemmSimdLevel.Vector, CompactFormat.Float16): Run<VectorTOps, HalfVectorTOps, System.Numerics.Vector<float>>(p, first, last); break;
            case (_, CompactFormat.Float16): Run<ScalarOps, HalfScalarOps, float>(p, first, last); break;
            case (GemmSimdLevel.Vector512, CompactFormat.Int8): Run<Vector512Ops, Int8x512Ops, Vector512<float>>(p, first, last); break;
            case (GemmSimdLevel.Vector, CompactFormat.Int8): Run<VectorTOps, Int8VectorTOps, System.Numerics.Vector<float>>(p, first, last); break;
            case (_, CompactFormat.Int8): Run<ScalarOps, Int8ScalarOps, float>(p, first, last); break;
            default: throw new ArgumentOutOfRangeException(nameof(p), p.Format, "Unknown compact format.");
        }
    }

    /// <summary>Most x values (rows × k) <see cref="TryRunPrescaled"/> copies onto the stack: 8 rows of the LSTM's 1024 inputs.</summary>
    public const int MaxPrescaledValues = 8 * 1024;

    /// <summary>
    /// The float16 product with x multiplied by 2¹¹² up front (<see cref="Half512PrescaledOps"/>): bit for bit the same
    /// result, one instruction less per 16 weights. False (nothing done) when x is too large to copy or holds a value
    /// of magnitude 2¹⁶ or more, which the scaling would overflow.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryRunPrescaled(in CompactGemmProblem p, int first, int last)
    {
        int m = p.M, k = p.K;
        if ((long)m * k > MaxPrescaledValues || k == 0) return false;
        for (int i = 0; i < m; i++)
            if (!(TensorPrimitives.MaxMagnitude(new ReadOnlySpan<float>(p.X + i * p.Ldx, k)) < 65536f)) return false;
        float* scaled = stackalloc float[m * k];                                      // [m, k] contiguous
        for (int i = 0; i < m; i++)
            TensorPrimitives.Multiply(new ReadOnlySpan<float>(p.X + i * p.Ldx, k), Half512PrescaledOps.XScale, new Span<float>(scaled + i * k, k));
        Run<Vector512Ops, Half512PrescaledOps, Vector512<float>>(p.WithX(scaled, k), first, last);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TOps, TWeights, TVec>(in CompactGemmProblem p, int first, int last)
        where TOps : struct, IFloatVectorOps<TVec> where TWeights : struct, IWeightLoader<TVec> where TVec : struct
    {
        int m = p.M, n = p.N, k = p.K;
        float* sums = stackalloc float[16];   // [row][4 columns]
        for (int j = first; j < last; j += 4)
        {
            int cols = Math.Min(4, last - j);
            // A ragged last group re-reads its last column (result discarded) instead of running past W.
            nint rowBytes = (nint)k * TWeights.WeightBytes;
            byte* w0 = p.W + j * rowBytes;
            byte* w1 = p.W + Math.Min(j + 1, n - 1) * rowBytes;
            byte* w2 = p.W + Math.Min(j + 2, n - 1) * rowBytes;
            byte* w3 = p.W + Math.Min(j + 3, n - 1) * rowBytes;
            for (int i = 0; i < m; i += 4)
            {
                int rows = Math.Min(4, m - i);
                float* x = p.X + i * p.Ldx;
                if (rows == 1) Dot1x4<TOps, TWeights, TVec>(x, w0, w1, w2, w3, k, sums);
                else if (rows == 3) Dot4x4<TOps, TWeights, TVec, ThreeRows>(x, p.Ldx, rows, w0, w1, w2, w3, k, sums);
                else Dot4x4<TOps, TWeights, TVec, FourRows>(x, p.Ldx, rows, w0, w1, w2, w3, k, sums);
                for (int r = 0; r < rows; r++)
                {
                    float* y = p.Y + (i + r) * p.Ldy + j;
                    float* s = sums + 4 * r;
                    for (int jj = 0; jj < cols; jj++)
                    {
                        float sum = p.Scales == null ? s[jj] : s[jj] * p.Scales[j + jj];          // int8: the row's scale
                        float value = p.Bias == null ? sum : sum + p.Bias[j + jj];
                        y[jj] = p.Accumulate ? y[jj] + value : value;
                    }
                }
            }
        }
    }

    /// <summary>
    /// sums[r·4 + j] = Σ_p x_r[p]·w_j[p] for 4 x rows (stride ldx; with rows &lt; 4 the last real row repeats, so
    /// 2–3 rows still read W once) and 4 W rows; vector lanes over k, one horizontal sum each, then the k % W tail.
    /// <typeparamref name="TFourthRow"/> drops the fourth row's work for exactly 3 rows (beam 3 at batch 1 is bound by arithmetic).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4x4<TOps, TWeights, TVec, TFourthRow>(float* x, nint ldx, int rows, byte* w0, byte* w1, byte* w2, byte* w3, int k, float* sums)
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
    private interface IFourthRow { static abstract bool Present { get; } }
    private struct FourRows : IFourthRow { public static bool Present => true; }
    private struct ThreeRows : IFourthRow { public static bool Present => false; }

    /// <summary>sums[j] = Σ_p x[p]·w_j[p] for one x row and 4 W rows (the same arithmetic per element as <see cref="Dot4x4"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot1x4<TOps, TWeights, TVec>(float* x, byte* w0, byte* w1, byte* w2, byte* w3, int k, float* sums)
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

/// <summary>One validated <see cref="CompactGemm"/> product on raw storage: y[M×N] (+)= x[M×K]·Wᵀ (+ bias).</summary>
internal readonly unsafe struct CompactGemmProblem(float* x, nint ldx, CompactFormat format, byte* w, float* scales, int n, int k,
    float* bias, float* y, nint ldy, int m, bool accumulate)
{
    public float* X { get; } = x;
    public nint Ldx { get; } = ldx;
    public CompactFormat Format { get; } = format;
    /// <summary>W's first stored weight, [N, K] row-major in <see cref="Format"/>.</summary>
    public byte* W { get; } = w;
    /// <summary>[N] per-row scales (int8), or null.</summary>
    public float* Scales { get; } = scales;
    public int N { get; } = n;
    public int K { get; } = k;
    /// <summary>[N] or null.</summary>
    public float* Bias { get; } = bias;
    public float* Y { get; } = y;
    public nint Ldy { get; } = ldy;
    public int M { get; } = m;
    public bool Accumulate { get; } = accumulate;

    /// <summary>The same product on other x rows (same shape), [M, K] at stride <paramref name="ldx"/>.</summary>
    public CompactGemmProblem WithX(float* x, nint ldx) => new(x, ldx, Format, W, Scales, N, K, Bias, Y, Ldy, M, Accumulate);
}
