using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ImageCaptioning.Numerics;

/// <summary>
/// GEMM for a few rows (up to <see cref="GemmPlan.SkinnyMaxRows"/>; inference runs 1 row greedy, 3 beams, ≤ 16 images).
/// Packing op(B) would cost about as much as the multiply itself, so op(B) is streamed once, straight from its storage:
/// <list type="bullet">
/// <item>B not transposed (k×n, rows contiguous along n): "row stream" — for each 4-vector strip of columns,
/// every k step loads a strip of one B row and FMAs it into each C row's accumulators.</item>
/// <item>B transposed (stored n×k, the [out, in] weight layout): "dot" — each C element is a dot product of an
/// A row with a stored B row, both contiguous along k; 4×4 elements share their loads.</item>
/// </list>
/// op(A) is small and is copied k-contiguous first when it is stored transposed.
/// </summary>
internal static unsafe class SkinnyGemm
{
    /// <summary>Scratch floats <see cref="Run{TOps,TVec}"/> takes for <paramref name="problem"/>.</summary>
    public static long WorkspaceFloats<TOps, TVec>(in GemmProblem problem)
        where TOps : struct, IFloatVectorOps<TVec> where TVec : struct
    {
        int strip = 4 * TOps.Count;
        long aCopy = problem.TransposeA ? GemmWorkspace.RoundUp(problem.M * problem.K) : 0;
        long bTail = problem.TransposeB ? 0 : GemmWorkspace.RoundUp(problem.K * strip) + GemmWorkspace.RoundUp(4 * strip);
        return aCopy + bTail;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOps, TVec>(in GemmProblem problem, GemmWorkspace workspace)
        where TOps : struct, IFloatVectorOps<TVec> where TVec : struct
    {
        workspace.Reserve(WorkspaceFloats<TOps, TVec>(problem));
        float* aRows = problem.A;
        nint aStride = problem.Lda;
        if (problem.TransposeA)
        {
            // op(A) rows are strided columns of the stored k×m matrix: gather them into m contiguous rows.
            aRows = workspace.Take(problem.M * problem.K);
            aStride = problem.K;
            for (int p = 0; p < problem.K; p++)
            {
                float* from = problem.A + p * problem.Lda;
                for (int i = 0; i < problem.M; i++) aRows[i * aStride + p] = from[i];
            }
        }
        if (problem.TransposeB) RunDot<TOps, TVec>(problem, aRows, aStride);
        else RunRowStream<TOps, TVec>(problem, aRows, aStride, workspace);
    }

    /// <summary>Column alignment a thread's share must respect so it splits no kernel strip.</summary>
    public static int ColumnGranule<TOps, TVec>(bool transposeB) where TOps : struct, IFloatVectorOps<TVec> where TVec : struct =>
        transposeB ? 4 : 4 * TOps.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunRowStream<TOps, TVec>(in GemmProblem problem, float* aRows, nint aStride, GemmWorkspace workspace)
        where TOps : struct, IFloatVectorOps<TVec> where TVec : struct
    {
        int m = problem.M, n = problem.N, k = problem.K;
        int strip = 4 * TOps.Count;
        int nFull = n - n % strip;
        float* tile = workspace.Take(4 * strip);   // [4][strip] for ragged row groups and the ragged last strip
        for (int j = 0; j < nFull; j += strip)
            for (int i = 0; i < m; i += 4)
            {
                int rows = Math.Min(4, m - i);
                float* a = aRows + i * aStride;
                float* c = problem.C + i * problem.Ldc + j;
                if (rows == 4)
                    RowStream4<TOps, TVec>(a, aStride, rows, problem.B + j, problem.Ldb, k, c, problem.Ldc, problem.Accumulate);
                else if (rows == 1)
                    RowStream1<TOps, TVec>(a, problem.B + j, problem.Ldb, k, c, problem.Accumulate);
                else
                {
                    // 2 or 3 rows: one 4-row pass (the missing rows repeat the last one) beats 2-3 single-row passes over B.
                    RowStream4<TOps, TVec>(a, aStride, rows, problem.B + j, problem.Ldb, k, tile, strip, accumulate: false);
                    MergeRows(tile, strip, c, problem.Ldc, rows, strip, problem.Accumulate);
                }
            }
        if (nFull == n) return;

        // Ragged last columns: copy them into a zero-padded k×strip panel so the same kernel runs without
        // reading past the end of B, into the scratch tile whose valid corner is then written to C.
        int cols = n - nFull;
        float* panel = workspace.Take(k * strip);
        PanelPacking.PackKMajor(problem.B + nFull, problem.Ldb, k, cols, strip, panel);
        for (int i = 0; i < m; i += 4)
        {
            int rows = Math.Min(4, m - i);
            RowStream4<TOps, TVec>(aRows + i * aStride, aStride, rows, panel, strip, k, tile, strip, accumulate: false);
            MergeRows(tile, strip, problem.C + i * problem.Ldc + nFull, problem.Ldc, rows, cols, problem.Accumulate);
        }
    }

    /// <summary>C[rows × cols] (+)= tile[rows × cols] — the same single add the kernels' own stores do.</summary>
    private static void MergeRows(float* tile, int tileStride, float* c, nint ldc, int rows, int cols, bool accumulate)
    {
        for (int r = 0; r < rows; r++)
        {
            float* from = tile + r * tileStride;
            float* to = c + r * ldc;
            if (accumulate) for (int j = 0; j < cols; j++) to[j] += from[j];
            else for (int j = 0; j < cols; j++) to[j] = from[j];
        }
    }

    /// <summary>
    /// C[4 × 4W] (+)= A[4 × k] · B[k × 4W]; A rows at stride aStride, B rows at stride ldb. With rows &lt; 4
    /// the missing A rows repeat the last real one (never read past A); C must then have room for 4 rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowStream4<TOps, TVec>(float* a, nint aStride, int rows, float* b, nint ldb, int k, float* c, nint ldc, bool accumulate)
        where TOps : struct, IFloatVectorOps<TVec> where TVec : struct
    {
        int w = TOps.Count;
        TVec c00 = TOps.Zero, c01 = TOps.Zero, c02 = TOps.Zero, c03 = TOps.Zero;
        TVec c10 = TOps.Zero, c11 = TOps.Zero, c12 = TOps.Zero, c13 = TOps.Zero;
        TVec c20 = TOps.Zero, c21 = TOps.Zero, c22 = TOps.Zero, c23 = TOps.Zero;
        TVec c30 = TOps.Zero, c31 = TOps.Zero, c32 = TOps.Zero, c33 = TOps.Zero;
        float* a0 = a, a1 = a + Math.Min(1, rows - 1) * aStride, a2 = a + Math.Min(2, rows - 1) * aStride, a3 = a + Math.Min(3, rows - 1) * aStride;
        for (int p = 0; p < k; p++)
        {
            TVec b0 = TOps.Load(b), b1 = TOps.Load(b + w), b2 = TOps.Load(b + 2 * w), b3 = TOps.Load(b + 3 * w);
            TVec x = TOps.Broadcast(a0[p]);
            c00 = TOps.MultiplyAdd(x, b0, c00); c01 = TOps.MultiplyAdd(x, b1, c01); c02 = TOps.MultiplyAdd(x, b2, c02); c03 = TOps.MultiplyAdd(x, b3, c03);
            x = TOps.Broadcast(a1[p]);
            c10 = TOps.MultiplyAdd(x, b0, c10); c11 = TOps.MultiplyAdd(x, b1, c11); c12 = TOps.MultiplyAdd(x, b2, c12); c13 = TOps.MultiplyAdd(x, b3, c13);
            x = TOps.Broadcast(a2[p]);
            c20 = TOps.MultiplyAdd(x, b0, c20); c21 = TOps.MultiplyAdd(x, b1, c21); c22 = TOps.MultiplyAdd(x, b2, c22); c23 = TOps.MultiplyAdd(x, b3, c23);
            x = TOps.Broadcast(a3[p]);
            c30 = TOps.MultiplyAdd(x, b0, c30); c31 = TOps.MultiplyAdd(x, b1, c31); c32 = TOps.MultiplyAdd(x, b2, c32); c33 = TOps.MultiplyAdd(x, b3, c33);
            b += ldb;
        }
        StoreRow4<TOps, TVec>(c, c00, c01, c02, c03, accumulate);
        StoreRow4<TOps, TVec>(c + ldc, c10, c11, c12, c13, accumulate);
        StoreRow4<TOps, TVec>(c + 2 * ldc, c20, c21, c22, c23, accumulate);
        StoreRow4<TOps, TVec>(c + 3 * ldc, c30, c31, c32, c33, accumulate);
    }

    /// <summary>C[1 × 4W] (+)= a[1 × k] · B[k × 4W].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowStream1<TOps, TVec>(float* a, float* b, nint ldb, int k, float* c, bool accumulate)
        where TOps : struct, IFloatVectorOps<TVec> where TVec : struct
    {
        int w = TOps.Count;
        TVec c0 = TOps.Zero, c1 = TOps.Zero, c2 = TOps.Zero, c3 = TOps.Zero;
        for (int p = 0; p < k; p++)
        {
            TVec x = TOps.Broadcast(a[p]);
            c0 = TOps.MultiplyAdd(x, TOps.Load(b), c0);
            c1 = TOps.MultiplyAdd(x, TOps.Load(b + w), c1);
            c2 = TOps.MultiplyAdd(x, TOps.Load(b + 2 * w), c2);
            c3 = TOps.MultiplyAdd(x, TOps.Load(b + 3 * w), c3);
            b += ldb;
        }
        StoreRow4<TOps, TVec>(c, c0, c1, c2, c3, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow4<TOps, TVec>(float* c, TVec v0, TVec v1, TVec v2, TVec v3, bool accumulate)
        where TOps : struct, IFloatVectorOps<TVec> where TVec : struct
    {
        int w = TOps.Count;
        if (accumulate)
        {
            v0 = TOps.Add(TOps.Load(c), v0);
            v1 = TOps.Add(TOps.Load(c + w), v1);
            v2 = TOps.Add(TOps.Load(c + 2 * w), v2);
            v3 = TOps.Add(TOps.Load(c + 3 * w), v3);
        }
        TOps.Store(c, v0);
        TOps.Store(c + w, v1);
        TOps.Store(c + 2 * w, v2);
        TOps.Store(c + 3 * w, v3);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunDot<TOps, TVec>(in GemmProblem problem, float* aRows, nint aStride)
        where TOps : struct, IFloatVectorOps<TVec> where TVec : struct
    {
        int m = problem.M, n = problem.N, k = problem.K;
        float* sums = stackalloc float[16];   // [row][4 columns]
        for (int j = 0; j < n; j += 4)
        {
            int cols = Math.Min(4, n - j);
            // A ragged last group re-reads the last column (result discarded) instead of running past B.
            byte* b0 = (byte*)(problem.B + j * problem.Ldb);
            byte* b1 = (byte*)(problem.B + Math.Min(j + 1, n - 1) * problem.Ldb);
            byte* b2 = (byte*)(problem.B + Math.Min(j + 2, n - 1) * problem.Ldb);
            byte* b3 = (byte*)(problem.B + Math.Min(j + 3, n - 1) * problem.Ldb);
            for (int i = 0; i < m; i += 4)
            {
                int rows = Math.Min(4, m - i);
                // 2-3 rows take the 4-row kernel (repeating the last row): one pass over the B rows instead of several.
                if (rows == 1) DotKernels.Dot1x4<TOps, Float32Weights<TOps, TVec>, TVec>(aRows + i * aStride, b0, b1, b2, b3, k, sums);
                else DotKernels.Dot4x4<TOps, Float32Weights<TOps, TVec>, TVec, DotKernels.FourRows>(aRows + i * aStride, aStride, rows, b0, b1, b2, b3, k, sums);
                for (int r = 0; r < rows; r++)
                {
                    float* c = problem.C + (i + r) * problem.Ldc + j;
                    float* s = sums + 4 * r;
                    if (problem.Accumulate) for (int jj = 0; jj < cols; jj++) c[jj] += s[jj];
                    else for (int jj = 0; jj < cols; jj++) c[jj] = s[jj];
                }
            }
        }
    }
}
