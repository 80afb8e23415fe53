using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ImageCaptioning.Numerics;

/// <summary>
/// y[m×n] (+)= x[m×k] · Wᵀ (+ b) with W a <see cref="CompactMatrix"/> [n×k] (float16; the
/// [out, in] weight layout) and x, y, b float32: the inference decoder's per-step products at a few rows. Like
/// <see cref="SkinnyGemm"/>'s "dot" form each y element is a dot product along k of an x row with a W row, 4×4 elements
/// sharing their loads, but W's values are widened in registers (<see cref="IWeightLoader{TVec}"/>), every sum is
/// accumulated in float32. At m ≤ 4 the product reads each weight once, so it is bound by memory traffic and by the
/// widening: half float32's bytes per weight is less time.
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

    /// <summary>
    /// Output columns [<paramref name="first"/>, <paramref name="last"/>) only of the same product (y's other columns are
    /// left alone): each output is the same dot product as in the whole product, so two threads can share one.
    /// </summary>
    public static void MultiplyColumns(ReadOnlySpan<float> x, int m, int ldx, CompactMatrix w, ReadOnlySpan<float> bias,
        Span<float> y, int ldy, int first, int last, bool accumulate = false) =>
        Multiply(GemmSimd.Best, x, m, ldx, w, bias, y, ldy, accumulate, first, last);

    /// <summary>The same on the kernels of <paramref name="simd"/> (tests force the fallback kernels).</summary>
    internal static void Multiply(GemmSimdLevel simd, ReadOnlySpan<float> x, int m, int ldx, CompactMatrix w, ReadOnlySpan<float> bias,
        Span<float> y, int ldy, bool accumulate = false) => Multiply(simd, x, m, ldx, w, bias, y, ldy, accumulate, 0, w.Rows);

    private static void Multiply(GemmSimdLevel simd, ReadOnlySpan<float> x, int m, int ldx, CompactMatrix w, ReadOnlySpan<float> bias,
        Span<float> y, int ldy, bool accumulate, int first, int last)
    {
        if (first < 0 || last > w.Rows || first > last) throw new ArgumentOutOfRangeException(nameof(first), $"columns [{first}, {last}) of {w.Rows}");
        int n = w.Rows, k = w.Cols;
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        if (m == 0 || first == last) return;
        if (ldx < k) throw new ArgumentException($"ldx = {ldx} is less than k = {k}.", nameof(ldx));
        if (ldy < n) throw new ArgumentException($"ldy = {ldy} is less than n = {n}.", nameof(ldy));
        if (x.Length < (long)(m - 1) * ldx + k) throw new ArgumentException($"x is too short for {m}×{k} at stride {ldx}.", nameof(x));
        if (y.Length < (long)(m - 1) * ldy + n) throw new ArgumentException($"y is too short for {m}×{n} at stride {ldy}.", nameof(y));
        if (!bias.IsEmpty && bias.Length != n) throw new ArgumentException($"bias has {bias.Length} values, W has {n} rows.", nameof(bias));
        if (!GemmSimd.IsSupported(simd))
            throw new ArgumentException($"This CPU cannot run the {simd} kernels.", nameof(simd));
        fixed (float* px = x) fixed (float* pb = bias) fixed (float* py = y)      // W's storage is pinned for good
        {
            var problem = new CompactGemmProblem(px, ldx, w.Data, n, k, bias.IsEmpty ? null : pb, py, ldy, m, accumulate);
            RunColumns(problem, first, last, simd);
        }
    }

    /// <summary>Output columns [first, last) of <paramref name="p"/>.</summary>
    private static void RunColumns(in CompactGemmProblem p, int first, int last, GemmSimdLevel simd)
    {
        switch (simd)
        {
            case GemmSimdLevel.Vector512:
                if (!TryRunPrescaled(p, first, last)) Run<Vector512Ops, Half512Ops, Vector512<float>>(p, first, last);
                break;
            case GemmSimdLevel.Vector: Run<VectorTOps, HalfVectorTOps, System.Numerics.Vector<float>>(p, first, last); break;
            default: Run<ScalarOps, HalfScalarOps, float>(p, first, last); break;
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
                if (rows == 1) DotKernels.Dot1x4<TOps, TWeights, TVec>(x, w0, w1, w2, w3, k, sums);
                else if (rows == 3) DotKernels.Dot4x4<TOps, TWeights, TVec, DotKernels.ThreeRows>(x, p.Ldx, rows, w0, w1, w2, w3, k, sums);
                else DotKernels.Dot4x4<TOps, TWeights, TVec, DotKernels.FourRows>(x, p.Ldx, rows, w0, w1, w2, w3, k, sums);
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
}

/// <summary>One validated <see cref="CompactGemm"/> product on raw storage: y[M×N] (+)= x[M×K]·Wᵀ (+ bias).</summary>
internal readonly unsafe struct CompactGemmProblem(float* x, nint ldx, byte* w, int n, int k,
    float* bias, float* y, nint ldy, int m, bool accumulate)
{
    public float* X { get; } = x;
    public nint Ldx { get; } = ldx;
    /// <summary>W's first stored weight, [N, K] row-major float16.</summary>
    public byte* W { get; } = w;
    public int N { get; } = n;
    public int K { get; } = k;
    /// <summary>[N] or null.</summary>
    public float* Bias { get; } = bias;
    public float* Y { get; } = y;
    public nint Ldy { get; } = ldy;
    public int M { get; } = m;
    public bool Accumulate { get; } = accumulate;

    /// <summary>The same product on other x rows (same shape), [M, K] at stride <paramref name="ldx"/>.</summary>
    public CompactGemmProblem WithX(float* x, nint ldx) => new(x, ldx, W, N, K, Bias, Y, Ldy, M, Accumulate);
}
