using System.Runtime.Intrinsics;

namespace ImageCaptioning.Numerics;

/// <summary>Which algorithm runs a multiply.</summary>
internal enum GemmStrategy
{
    /// <summary>Chosen from the shape alone (never from the thread count, so results do not depend on it).</summary>
    Auto,
    /// <summary><see cref="PackedGemm"/>: cache-blocked, packed panels, register-blocked micro-kernel.</summary>
    Packed,
    /// <summary><see cref="SkinnyGemm"/>: streams op(B) once without packing; for a handful of rows.</summary>
    Skinny,
}

/// <summary>
/// How to run a multiply: thread cap, instruction set and algorithm. <see cref="Gemm.DefaultOptions"/> caps threads at the
/// core count; tests pass explicit options to force a kernel, a strategy or a split even on a one-core machine.
/// </summary>
internal readonly record struct GemmOptions(int MaxThreads, GemmSimdLevel Simd, GemmStrategy Strategy);

/// <summary>
/// Picks the algorithm and the thread split for a validated problem, then runs it: C's rows or columns are cut
/// into contiguous, tile-aligned shares, and each share runs the single-threaded algorithm on whichever thread
/// takes it, with that thread's own packing buffers. Every C element is computed by the same instructions in
/// the same order whatever the split, so 1 and N threads give bit-identical results.
/// </summary>
internal static unsafe class GemmPlan
{
    /// <summary>
    /// Up to this many rows the skinny (no packing) algorithm is as fast or faster than packing (<c>bench gemm</c> compares them).
    /// </summary>
    public const int SkinnyMaxRows = 32;

    /// <summary>Work a thread must get before another thread is worth waking (it must outweigh Parallel.For's start-up).</summary>
    public const double MinFlopsPerThread = 1_000_000;

    /// <summary>Shares per thread when the work is split (load balancing on a busy machine).</summary>
    public const int SharesPerThread = 4;

    /// <summary>Fewest rows/columns in a share: each share re-packs the whole operand it does not split, so a share must be long.</summary>
    public const int MinShareExtent = 256;

    public static GemmStrategy Resolve(GemmStrategy strategy, in GemmProblem problem) =>
        strategy != GemmStrategy.Auto ? strategy
        : problem.M <= SkinnyMaxRows ? GemmStrategy.Skinny
        : GemmStrategy.Packed;

    public static void Execute(in GemmProblem problem, GemmOptions options)
    {
        GemmStrategy strategy = Resolve(options.Strategy, problem);
        GemmSimdLevel simd = options.Simd;

        // Split the dimension that has more kernel tiles; the skinny path only ever splits columns.
        bool splitColumns;
        int granule;
        if (strategy == GemmStrategy.Skinny)
        {
            splitColumns = true;
            granule = SkinnyColumnGranule(simd, problem.TransposeB);
        }
        else
        {
            (int mr, int nr) = PackedTile(simd);
            splitColumns = (problem.N + nr - 1) / nr >= (problem.M + mr - 1) / mr;
            granule = splitColumns ? nr : mr;
        }
        int extent = splitColumns ? problem.N : problem.M;
        int granules = (extent + granule - 1) / granule;
        int threads = (int)Math.Min(options.MaxThreads, Math.Min(granules, Math.Max(1.0, problem.Flops / MinFlopsPerThread)));

        if (threads <= 1) RunSingleThread(problem, simd, strategy);
        else RunParallel(problem, simd, strategy, splitColumns, granule, extent, granules, threads);
    }

    /// <summary>
    /// The split across threads, in its own method: the lambda's captured variables live in a closure object that C#
    /// allocates on entry to the method declaring them, and the single-threaded path must not pay for it on every call.
    /// </summary>
    private static void RunParallel(in GemmProblem problem, GemmSimdLevel simd, GemmStrategy strategy,
        bool splitColumns, int granule, int extent, int granules, int threads)
    {
        // More shares than threads, handed out dynamically, so a thread that loses its core to another process
        // (the machine is shared with training runs) does not hold everyone up; not so many that re-packing
        // the operand every share needs in full costs more than a few percent.
        int shares = Math.Min(granules, Math.Clamp(extent / MinShareExtent, threads, threads * SharesPerThread));
        GemmProblem whole = problem;
        Parallel.For(0, shares, new ParallelOptions { MaxDegreeOfParallelism = threads }, s =>
        {
            // Share s gets granules [s·G/S, (s+1)·G/S): contiguous, balanced to within one granule.
            int first = (int)((long)granules * s / shares) * granule;
            int last = Math.Min(extent, (int)((long)granules * (s + 1) / shares) * granule);
            if (last <= first) return;
            GemmProblem share = splitColumns ? whole.Columns(first, last - first) : whole.Rows(first, last - first);
            RunSingleThread(share, simd, strategy);
        });
    }

    private static void RunSingleThread(in GemmProblem problem, GemmSimdLevel simd, GemmStrategy strategy)
    {
        GemmWorkspace workspace = GemmWorkspace.Rent();
        try
        {
            bool allowAvx = simd != GemmSimdLevel.Scalar;
            switch (simd, strategy)
            {
                case (GemmSimdLevel.Vector512, GemmStrategy.Skinny):
                    SkinnyGemm.Run<Vector512Ops, Vector512<float>>(problem, workspace);
                    break;
                case (GemmSimdLevel.Vector512, _):
                    PackedGemm.Run<Kernel2V<Vector512Ops, Vector512<float>, EightRows>>(problem, workspace, allowAvx);
                    break;
                case (GemmSimdLevel.Vector, GemmStrategy.Skinny):
                    SkinnyGemm.Run<VectorTOps, System.Numerics.Vector<float>>(problem, workspace);
                    break;
                case (GemmSimdLevel.Vector, _):
                    PackedGemm.Run<Kernel2V<VectorTOps, System.Numerics.Vector<float>, SixRows>>(problem, workspace, allowAvx);
                    break;
                case (_, GemmStrategy.Skinny):
                    SkinnyGemm.Run<ScalarOps, float>(problem, workspace);
                    break;
                default:
                    PackedGemm.Run<Kernel2V<ScalarOps, float, SixRows>>(problem, workspace, allowAvx);
                    break;
            }
        }
        finally
        {
            GemmWorkspace.Return(workspace);
        }
    }

    /// <summary>NR of the packed kernel for <paramref name="simd"/>: the panel width a <see cref="PrepackedMatrix"/> must have.</summary>
    public static int PackedPanelWidth(GemmSimdLevel simd) => PackedTile(simd).NR;

    private static (int MR, int NR) PackedTile(GemmSimdLevel simd) => simd switch
    {
        GemmSimdLevel.Vector512 => (Kernel2V<Vector512Ops, Vector512<float>, EightRows>.MR, Kernel2V<Vector512Ops, Vector512<float>, EightRows>.NR),
        GemmSimdLevel.Vector => (Kernel2V<VectorTOps, System.Numerics.Vector<float>, SixRows>.MR, Kernel2V<VectorTOps, System.Numerics.Vector<float>, SixRows>.NR),
        _ => (Kernel2V<ScalarOps, float, SixRows>.MR, Kernel2V<ScalarOps, float, SixRows>.NR),
    };

    private static int SkinnyColumnGranule(GemmSimdLevel simd, bool transposeB) => simd switch
    {
        GemmSimdLevel.Vector512 => SkinnyGemm.ColumnGranule<Vector512Ops, Vector512<float>>(transposeB),
        GemmSimdLevel.Vector => SkinnyGemm.ColumnGranule<VectorTOps, System.Numerics.Vector<float>>(transposeB),
        _ => SkinnyGemm.ColumnGranule<ScalarOps, float>(transposeB),
    };
}
