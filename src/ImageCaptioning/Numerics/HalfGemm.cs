using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ImageCaptioning.Numerics;

/// <summary>
/// y[m×n] (+)= x[m×k] · Wᵀ (+ b) with W a float16 <see cref="HalfMatrix"/> [n×k] (the [out, in] weight layout) and x, y, b
/// float32: the inference decoder's per-step products at a few rows. Like <see cref="SkinnyGemm"/>'s "dot" form each
/// y element is a dot product along k of an x row with a W row, 4×4 elements sharing their loads, but W's values are
/// widened in registers (<see cref="IHalfVectorOps{TVec}"/>) and every sum is accumulated in float32. At m ≤ 4 the
/// product reads each weight once, so it is bound by memory traffic and half the bytes is nearly half the time.
/// Larger m works (row groups of 4 re-read the same W rows from L1) but the float32 GEMM is the better choice there.
/// Results do not depend on the thread count: a thread computes whole output columns with the same instructions.
/// </summary>
internal static unsafe class HalfGemm
{
    /// <summary>y = x·Wᵀ (+ bias when not empty) (+ y when <paramref name="accumulate"/>); rows of x at stride ldx, of y at ldy.</summary>
    /// <exception cref="ArgumentException">A size does not match W or a span is too short.</exception>
    public static void Multiply(ReadOnlySpan<float> x, int m, int ldx, HalfMatrix w, ReadOnlySpan<float> bias,
        Span<float> y, int ldy, bool accumulate = false) =>
        Multiply(HalfGemmPlan.DefaultOptions(), x, m, ldx, w, bias, y, ldy, accumulate);

    /// <summary>The same with explicit options (tests force the fallback kernels or a thread split).</summary>
    internal static void Multiply(GemmOptions options, ReadOnlySpan<float> x, int m, int ldx, HalfMatrix w, ReadOnlySpan<float> bias,
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
        if (!GemmSimd.IsSupported(options.Simd))
            throw new ArgumentException($"This CPU cannot run the {options.Simd} kernels.", nameof(options));
        fixed (float* px = x) fixed (float* pb = bias) fixed (float* py = y) fixed (ushort* pw = w.Bits)
        {
            var problem = new HalfGemmProblem(px, ldx, pw, n, k, bias.IsEmpty ? null : pb, py, ldy, m, accumulate);
            HalfGemmPlan.Execute(problem, options);
        }
    }

    /// <summary>Output columns [first, last) of <paramref name="p"/> on this thread.</summary>
    public static void RunColumns(in HalfGemmProblem p, int first, int last, GemmSimdLevel simd)
    {
        switch (simd)
        {
            case GemmSimdLevel.Vector512: Run<Half512Ops, Vector512<float>>(p, first, last); break;
            case GemmSimdLevel.Vector: Run<HalfVectorTOps, System.Numerics.Vector<float>>(p, first, last); break;
            default: Run<HalfScalarOps, float>(p, first, last); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TOps, TVec>(in HalfGemmProblem p, int first, int last)
        where TOps : struct, IHalfVectorOps<TVec> where TVec : struct
    {
        int m = p.M, n = p.N, k = p.K;
        float* sums = stackalloc float[16];   // [row][4 columns]
        for (int j = first; j < last; j += 4)
        {
            int cols = Math.Min(4, last - j);
            // A ragged last group re-reads its last column (result discarded) instead of running past W.
            ushort* w0 = p.W + (nint)j * k;
            ushort* w1 = p.W + (nint)Math.Min(j + 1, n - 1) * k;
            ushort* w2 = p.W + (nint)Math.Min(j + 2, n - 1) * k;
            ushort* w3 = p.W + (nint)Math.Min(j + 3, n - 1) * k;
            for (int i = 0; i < m; i += 4)
            {
                int rows = Math.Min(4, m - i);
                float* x = p.X + i * p.Ldx;
                if (rows == 1) Dot1x4<TOps, TVec>(x, w0, w1, w2, w3, k, sums);
                else if (rows == 3) Dot3x4<TOps, TVec>(x, p.Ldx, w0, w1, w2, w3, k, sums);
                else Dot4x4<TOps, TVec>(x, p.Ldx, rows, w0, w1, w2, w3, k, sums);
                for (int r = 0; r < rows; r++)
                {
                    float* y = p.Y + (i + r) * p.Ldy + j;
                    float* s = sums + 4 * r;
                    for (int jj = 0; jj < cols; jj++)
                    {
                        float value = p.Bias == null ? s[jj] : s[jj] + p.Bias[j + jj];
                        y[jj] = p.Accumulate ? y[jj] + value : value;
                    }
                }
            }
        }
    }

    /// <summary>
    /// sums[r·4 + j] = Σ_p x_r[p]·w_j[p] for 4 x rows (stride ldx; with rows &lt; 4 the last real row repeats, so
    /// 2–3 rows still read W once) and 4 W rows; vector lanes over k, one horizontal sum each, then the k % W tail.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4x4<TOps, TVec>(float* x, nint ldx, int rows, ushort* w0, ushort* w1, ushort* w2, ushort* w3, int k, float* sums)
        where TOps : struct, IHalfVectorOps<TVec> where TVec : struct
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
            TVec y0 = TOps.LoadHalf(w0 + p), y1 = TOps.LoadHalf(w1 + p), y2 = TOps.LoadHalf(w2 + p), y3 = TOps.LoadHalf(w3 + p);
            TVec v = TOps.Load(x0 + p);
            s00 = TOps.MultiplyAdd(v, y0, s00); s01 = TOps.MultiplyAdd(v, y1, s01); s02 = TOps.MultiplyAdd(v, y2, s02); s03 = TOps.MultiplyAdd(v, y3, s03);
            v = TOps.Load(x1 + p);
            s10 = TOps.MultiplyAdd(v, y0, s10); s11 = TOps.MultiplyAdd(v, y1, s11); s12 = TOps.MultiplyAdd(v, y2, s12); s13 = TOps.MultiplyAdd(v, y3, s13);
            v = TOps.Load(x2 + p);
            s20 = TOps.MultiplyAdd(v, y0, s20); s21 = TOps.MultiplyAdd(v, y1, s21); s22 = TOps.MultiplyAdd(v, y2, s22); s23 = TOps.MultiplyAdd(v, y3, s23);
            v = TOps.Load(x3 + p);
            s30 = TOps.MultiplyAdd(v, y0, s30); s31 = TOps.MultiplyAdd(v, y1, s31); s32 = TOps.MultiplyAdd(v, y2, s32); s33 = TOps.MultiplyAdd(v, y3, s33);
        }
        TOps.SumEach(s00, s01, s02, s03).Store(sums);
        TOps.SumEach(s10, s11, s12, s13).Store(sums + 4);
        TOps.SumEach(s20, s21, s22, s23).Store(sums + 8);
        TOps.SumEach(s30, s31, s32, s33).Store(sums + 12);
        if (p < k)
        {
            AddTail(x0, w0, w1, w2, w3, p, k, sums);
            AddTail(x1, w0, w1, w2, w3, p, k, sums + 4);
            AddTail(x2, w0, w1, w2, w3, p, k, sums + 8);
            AddTail(x3, w0, w1, w2, w3, p, k, sums + 12);
        }
    }

    /// <summary>
    /// <see cref="Dot4x4"/> for exactly 3 x rows (beam search's width 3 at batch 1): the step's products are bound by
    /// arithmetic there, not by W traffic, so the fourth, repeated row's 4 multiply-adds per W vector are worth dropping.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot3x4<TOps, TVec>(float* x, nint ldx, ushort* w0, ushort* w1, ushort* w2, ushort* w3, int k, float* sums)
        where TOps : struct, IHalfVectorOps<TVec> where TVec : struct
    {
        int width = TOps.Count;
        float* x0 = x, x1 = x + ldx, x2 = x + 2 * ldx;
        TVec s00 = TOps.Zero, s01 = TOps.Zero, s02 = TOps.Zero, s03 = TOps.Zero;
        TVec s10 = TOps.Zero, s11 = TOps.Zero, s12 = TOps.Zero, s13 = TOps.Zero;
        TVec s20 = TOps.Zero, s21 = TOps.Zero, s22 = TOps.Zero, s23 = TOps.Zero;
        int p = 0;
        for (; p + width <= k; p += width)
        {
            TVec y0 = TOps.LoadHalf(w0 + p), y1 = TOps.LoadHalf(w1 + p), y2 = TOps.LoadHalf(w2 + p), y3 = TOps.LoadHalf(w3 + p);
            TVec v = TOps.Load(x0 + p);
            s00 = TOps.MultiplyAdd(v, y0, s00); s01 = TOps.MultiplyAdd(v, y1, s01); s02 = TOps.MultiplyAdd(v, y2, s02); s03 = TOps.MultiplyAdd(v, y3, s03);
            v = TOps.Load(x1 + p);
            s10 = TOps.MultiplyAdd(v, y0, s10); s11 = TOps.MultiplyAdd(v, y1, s11); s12 = TOps.MultiplyAdd(v, y2, s12); s13 = TOps.MultiplyAdd(v, y3, s13);
            v = TOps.Load(x2 + p);
            s20 = TOps.MultiplyAdd(v, y0, s20); s21 = TOps.MultiplyAdd(v, y1, s21); s22 = TOps.MultiplyAdd(v, y2, s22); s23 = TOps.MultiplyAdd(v, y3, s23);
        }
        TOps.SumEach(s00, s01, s02, s03).Store(sums);
        TOps.SumEach(s10, s11, s12, s13).Store(sums + 4);
        TOps.SumEach(s20, s21, s22, s23).Store(sums + 8);
        if (p < k)
        {
            AddTail(x0, w0, w1, w2, w3, p, k, sums);
            AddTail(x1, w0, w1, w2, w3, p, k, sums + 4);
            AddTail(x2, w0, w1, w2, w3, p, k, sums + 8);
        }
    }

    /// <summary>sums[j] = Σ_p x[p]·w_j[p] for one x row and 4 W rows (the same arithmetic per element as <see cref="Dot4x4"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot1x4<TOps, TVec>(float* x, ushort* w0, ushort* w1, ushort* w2, ushort* w3, int k, float* sums)
        where TOps : struct, IHalfVectorOps<TVec> where TVec : struct
    {
        int width = TOps.Count;
        TVec s0 = TOps.Zero, s1 = TOps.Zero, s2 = TOps.Zero, s3 = TOps.Zero;
        int p = 0;
        for (; p + width <= k; p += width)
        {
            TVec v = TOps.Load(x + p);
            s0 = TOps.MultiplyAdd(v, TOps.LoadHalf(w0 + p), s0);
            s1 = TOps.MultiplyAdd(v, TOps.LoadHalf(w1 + p), s1);
            s2 = TOps.MultiplyAdd(v, TOps.LoadHalf(w2 + p), s2);
            s3 = TOps.MultiplyAdd(v, TOps.LoadHalf(w3 + p), s3);
        }
        TOps.SumEach(s0, s1, s2, s3).Store(sums);
        if (p < k) AddTail(x, w0, w1, w2, w3, p, k, sums);
    }

    /// <summary>The k % W terms a vector loop leaves over, one at a time (not inlined: a call in the kernel would make the JIT spill its accumulators).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddTail(float* x, ushort* w0, ushort* w1, ushort* w2, ushort* w3, int from, int k, float* sums)
    {
        for (int p = from; p < k; p++)
        {
            float v = x[p];
            sums[0] += v * HalfScalarOps.LoadHalf(w0 + p); sums[1] += v * HalfScalarOps.LoadHalf(w1 + p);
            sums[2] += v * HalfScalarOps.LoadHalf(w2 + p); sums[3] += v * HalfScalarOps.LoadHalf(w3 + p);
        }
    }
}

/// <summary>One validated <see cref="HalfGemm"/> product on raw storage: y[M×N] (+)= x[M×K]·Wᵀ (+ bias).</summary>
internal readonly unsafe struct HalfGemmProblem(float* x, nint ldx, ushort* w, int n, int k, float* bias, float* y, nint ldy, int m, bool accumulate)
{
    public float* X { get; } = x;
    public nint Ldx { get; } = ldx;
    public ushort* W { get; } = w;
    public int N { get; } = n;
    public int K { get; } = k;
    /// <summary>[N] or null.</summary>
    public float* Bias { get; } = bias;
    public float* Y { get; } = y;
    public nint Ldy { get; } = ldy;
    public int M { get; } = m;
    public bool Accumulate { get; } = accumulate;

    /// <summary>Bytes of W one pass streams.</summary>
    public long WeightBytes => 2L * N * K;
}
