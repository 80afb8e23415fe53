using System.Runtime.CompilerServices;

namespace ImageCaptioning.Numerics;

/// <summary>
/// The cache-blocked GEMM (the Goto/BLIS loop nest) for one thread's share of C:
/// for each NC-wide block of columns, for each KC-deep slice of k, pack op(B) into NR-wide panels (or read them from a
/// weight packed once, <see cref="PrepackedMatrix"/>);
/// for each MC-tall block of rows, pack op(A) into MR-tall panels; then sweep the micro-kernel over the
/// MR×NR tiles with the B panel held in L1 while the A block streams from L2.
/// Packing absorbs both transpose flags, so a single kernel serves all four combinations.
/// The hot loops here and in the kernels are marked AggressiveOptimization: the first calls (a process that
/// captions one image) would otherwise run slow tier-0 code.
/// </summary>
internal static unsafe class PackedGemm
{
    /// <summary>Deepest k slice packed at once: a 256×32 B panel is 32 KB (fits L1 beside the A panel).</summary>
    public const int KC = 256;
    /// <summary>Rows of op(A) packed at once: 128×256 floats = 128 KB, comfortably inside the 1 MB L2.</summary>
    public const int MC = 128;
    /// <summary>Columns of op(B) packed at once: 256×2048 floats = 2 MB, kept in L2/L3 while every A block passes over it.</summary>
    public const int NC = 1024;

    /// <summary>
    /// The k slice depth for a given k: k is cut into equal slices no deeper than <see cref="KC"/> (rounded to 8
    /// for the 8×8 transposes). It depends on k alone, so the summation order of every C element is the same
    /// however the rows and columns are split between threads.
    /// </summary>
    public static int KSliceDepth(int k)
    {
        int slices = (k + KC - 1) / KC;
        int depth = (k + slices - 1) / slices;
        return Math.Min(KC, (depth + 7) & ~7);
    }

    /// <summary>Scratch floats <see cref="Run{TKernel}"/> takes for <paramref name="problem"/>.</summary>
    public static long WorkspaceFloats<TKernel>(in GemmProblem problem) where TKernel : struct, IPackedMicroKernel
    {
        int kc = KSliceDepth(problem.K);
        int mc = RoundUp(Math.Min(MC, problem.M), TKernel.MR);
        int nc = RoundUp(Math.Min(NC, problem.N), TKernel.NR);
        return (long)GemmWorkspace.RoundUp(mc * kc) + GemmWorkspace.RoundUp(nc * kc) + GemmWorkspace.RoundUp(TKernel.MR * TKernel.NR);
    }

    /// <summary>C (+)= op(A)·op(B) for the whole <paramref name="problem"/> on the calling thread. Requires K ≥ 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TKernel>(in GemmProblem problem, GemmWorkspace workspace, bool allowAvxPacking)
        where TKernel : struct, IPackedMicroKernel
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        int m = problem.M, n = problem.N, k = problem.K;
        int kcStep = KSliceDepth(k);
        int mcStep = RoundUp(Math.Min(MC, m), mr);
        int ncStep = RoundUp(Math.Min(NC, n), nr);

        workspace.Reserve(WorkspaceFloats<TKernel>(problem));
        float* aPacked = workspace.Take(mcStep * kcStep);   // [mcStep/MR panels][kc][MR]
        float* bPacked = workspace.Take(ncStep * kcStep);   // [ncStep/NR panels][kc][NR]
        float* edgeTile = workspace.Take(mr * nr);          // [MR][NR] for ragged tiles
        // A weight packed once for this kernel is read in place (the same panels PackB would write).
        PrepackedMatrix? prepacked = problem.PrepackedB is { } p && p.PanelWidth == nr ? p : null;

        for (int jc = 0; jc < n; jc += ncStep)
        {
            int nc = Math.Min(ncStep, n - jc);
            for (int pc = 0; pc < k; pc += kcStep)
            {
                int kc = Math.Min(kcStep, k - pc);
                // The first k slice overwrites C unless the caller asked to accumulate; later slices add.
                bool accumulate = problem.Accumulate || pc > 0;
                float* bPanels = prepacked is null ? bPacked : prepacked.Panels(pc, problem.BColumn + jc);
                if (prepacked is null) PackB(problem, pc, kc, jc, nc, nr, bPacked, allowAvxPacking);
                for (int ic = 0; ic < m; ic += mcStep)
                {
                    int mc = Math.Min(mcStep, m - ic);
                    PackA(problem, ic, mc, pc, kc, mr, aPacked, allowAvxPacking);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        float* bPanel = bPanels + (nint)jr * kc;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int rows = Math.Min(mr, mc - ir);
                            float* aPanel = aPacked + (nint)ir * kc;
                            float* c = problem.C + (ic + ir) * problem.Ldc + jc + jr;
                            if (rows == mr && cols == nr)
                            {
                                TKernel.Run(aPanel, bPanel, kc, c, problem.Ldc, accumulate);
                            }
                            else
                            {
                                TKernel.Run(aPanel, bPanel, kc, edgeTile, nr, accumulate: false);
                                MergeTile(edgeTile, nr, c, problem.Ldc, rows, cols, accumulate);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Packs op(A)[ic…ic+mc, pc…pc+kc] into MR-tall panels, zero rows past mc.</summary>
    private static void PackA(in GemmProblem problem, int ic, int mc, int pc, int kc, int mr, float* packed, bool allowAvx)
    {
        if (problem.TransposeA)   // A stored k×m: each k step of a panel is a contiguous run of rows.
            PanelPacking.PackKMajor(problem.A + pc * problem.Lda + ic, problem.Lda, kc, mc, mr, packed);
        else
            PanelPacking.PackTransposed(problem.A + ic * problem.Lda + pc, problem.Lda, kc, mc, mr, packed, allowAvx);
    }

    /// <summary>Packs op(B)[pc…pc+kc, jc…jc+nc] into NR-wide panels, zero columns past nc.</summary>
    private static void PackB(in GemmProblem problem, int pc, int kc, int jc, int nc, int nr, float* packed, bool allowAvx)
    {
        if (problem.TransposeB)   // B stored n×k: the panels' columns are rows of the stored matrix.
            PanelPacking.PackTransposed(problem.B + jc * problem.Ldb + pc, problem.Ldb, kc, nc, nr, packed, allowAvx);
        else
            PanelPacking.PackKMajor(problem.B + pc * problem.Ldb + jc, problem.Ldb, kc, nc, nr, packed);
    }

    /// <summary>Writes the valid rows×cols corner of a scratch tile into C (same single add as the kernel's own store).</summary>
    private static void MergeTile(float* tile, int tileStride, float* c, nint ldc, int rows, int cols, bool accumulate)
    {
        for (int r = 0; r < rows; r++)
        {
            float* from = tile + r * tileStride;
            float* to = c + r * ldc;
            if (accumulate)
                for (int j = 0; j < cols; j++) to[j] += from[j];
            else
                for (int j = 0; j < cols; j++) to[j] = from[j];
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
