namespace ImageCaptioning.Numerics;

/// <summary>
/// Whether a compact-weight product (CompactGemm: float16 or int8 weights) uses a second core. A few-row product is bound by memory traffic, and one
/// core cannot pull all the bandwidth the memory system has, so two cores streaming half the weights each could finish
/// sooner, if the weights are large enough to pay for the hand-off (<see cref="MinSplitWeightBytes"/>) and the cores
/// are free: the caller says whether the process is already parallel through <see cref="GemmOptions.MaxThreads"/> (the
/// decoder passes 1 while other decodes run concurrently), and the helper thread serves one caller at a time.
/// Off unless <see cref="SplitAcrossCores"/> is set: measured with <c>bench decoder --split-across-cores</c> on the
/// 2-core dev VM while a training job kept both cores busy, decoding at batch 1 got 2–3× slower (the helper's
/// polling takes CPU time from the decoding thread itself); on an idle machine it is expected to help. Measure there
/// before turning it on by default.
/// </summary>
public static class CompactGemmPlan
{
    private static volatile bool splitAcrossCores;

    /// <summary>Opt-in: let large few-row products use the helper thread (see the class remarks).</summary>
    public static bool SplitAcrossCores
    {
        get => splitAcrossCores;
        set => splitAcrossCores = value;
    }

    /// <summary>
    /// Smallest weight matrix (stored bytes) worth splitting; sized for float16: the [2048×1280] LSTM (5 MB) and the
    /// [2541×256] output layer (1.3 MB) qualify; the stacked attention (0.8 MB) and deep output (0.5 MB) products are too
    /// short for a hand-off to pay. A first guess, to be re-measured on an idle machine together with the default.
    /// </summary>
    internal const long MinSplitWeightBytes = 1L << 20;

    internal static GemmOptions DefaultOptions() => Gemm.DefaultOptions();

    /// <summary>True when <paramref name="problem"/> is worth the helper thread under <paramref name="options"/>.</summary>
    internal static bool ShouldSplit(in CompactGemmProblem problem, GemmOptions options) =>
        SplitAcrossCores && options.MaxThreads >= 2 && problem.WeightBytes >= MinSplitWeightBytes && problem.N >= 4 * CompactGemmHelperThread.Shares;

    internal static void Execute(in CompactGemmProblem problem, GemmOptions options)
    {
        if (ShouldSplit(problem, options) && CompactGemmHelperThread.TryRun(problem, options.Simd)) return;
        CompactGemm.RunColumns(problem, 0, problem.N, options.Simd);
    }
}
