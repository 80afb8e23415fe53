namespace ImageCaptioning.Numerics;

/// <summary>How a <see cref="HalfGemm"/> product runs: single-threaded for now.</summary>
internal static class HalfGemmPlan
{
    public static GemmOptions DefaultOptions() => Gemm.DefaultOptions();

    public static void Execute(in HalfGemmProblem problem, GemmOptions options) =>
        HalfGemm.RunColumns(problem, 0, problem.N, options.Simd);
}
