using System.CommandLine;
using System.Diagnostics;
using ImageCaptioning.Numerics;

using ImageCaptioning.Benchmarks.Harness;

namespace ImageCaptioning.Benchmarks;

/// <summary>
/// `bench gemm`: the matrix multiplies the decoder runs (training batch 64, feature projection over 64×49
/// positions, 1–16 row inference), each at 1 thread and at all cores, plus a naive triple loop on one shape
/// to show what the blocked kernels buy.
/// </summary>
internal static class BenchGemmCommand
{
    /// <summary>One multiply C[m×n] = op(A)·op(B) as the decoder calls it (weights are [out, in], so forward passes use Bᵀ).</summary>
    private sealed record Shape(string Name, bool TransposeA, bool TransposeB, int M, int N, int K)
    {
        public double Flops => 2.0 * M * N * K;
        public string Layout => $"{(TransposeA ? "Aᵀ" : "A")}·{(TransposeB ? "Bᵀ" : "B")}";
    }

    private static readonly Shape[] Shapes =
    [
        new("LSTM gates fwd", false, true, 64, 2048, 1280),
        new("LSTM gates dX", false, false, 64, 1280, 2048),
        new("LSTM gates dW", true, false, 2048, 1280, 64),
        new("logits fwd", false, true, 64, 2600, 512),
        new("logits dW", true, false, 2600, 512, 64),
        new("attention h proj fwd", false, true, 64, 256, 512),
        new("feature proj fwd", false, true, 3136, 512, 1280),
        new("feature att proj fwd", false, true, 3136, 256, 512),
        new("square 1024³", false, false, 1024, 1024, 1024),
        new("infer logits, 1 row", false, true, 1, 2600, 512),
        new("infer logits, 3 rows", false, true, 3, 2600, 512),
        new("infer logits, 16 rows", false, true, 16, 2600, 512),
        new("infer gates, 1 row", false, true, 1, 2048, 1280),
        new("infer gates, 3 rows", false, true, 3, 2048, 1280),
        new("infer gates, 16 rows", false, true, 16, 2048, 1280),
    ];

    /// <summary>A beam-3 batch of 32 images (96 rows) through the step's largest products, and its last rows (40).</summary>
    private static readonly Shape[] PrepackedShapes =
    [
        new("step gates, 96 rows", false, true, 96, 2048, 1280),
        new("step logits, 96 rows", false, true, 96, 2541, 256),
        new("step att+gate, 96 rows", false, true, 96, 256, 512),
        new("step gates, 40 rows", false, true, 40, 2048, 1280),
    ];

    public static Command Create()
    {
        var runs = new Option<int>("--runs") { Description = "Timed runs per shape and thread count (after a warm-up); the median is reported.", DefaultValueFactory = _ => 15 };
        runs.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < BenchStats.MinRuns) result.AddError($"--runs must be at least {BenchStats.MinRuns}.");
        });
        var command = new Command("gemm", "Matrix-multiply speed on the decoder's shapes: median ms and GFLOP/s at 1 thread and all cores.") { runs };
        command.SetAction(parse =>
        {
            Run(parse.GetValue(runs));
            return 0;
        });
        return command;
    }

    private static void Run(int runs)
    {
        int cores = Environment.ProcessorCount;
        int saved = Gemm.MaxThreads;
        Console.WriteLine($"machine: {cores} logical cores; AVX-512: {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}; medians of {runs} runs, 1 thread and {cores} threads alternating; speed-up = median of the per-pair ratios (min–max)");
        // Other processes on the same cores slow every number down (the multi-threaded ones most): say how busy it was.
        if (File.Exists("/proc/loadavg"))
            Console.WriteLine($"load average (1/5/15 min) before the run: {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))}");
        Console.WriteLine($"{"shape",-22} {"op",-5} {"m",5} {"n",5} {"k",5} | {"1 thread ms",11} {"GFLOP/s",8} | {cores + " threads ms",11} {"GFLOP/s",8} | {"speed-up (min–max)",20}");
        try
        {
            foreach (Shape shape in Shapes)
            {
                var buffers = new ShapeBuffers(shape);
                var pair = CompareThreads(buffers.Multiply, cores, runs);
                double single = pair.Baseline.MedianMs, multi = pair.Candidate.MedianMs;
                Console.WriteLine($"{shape.Name,-22} {shape.Layout,-5} {shape.M,5} {shape.N,5} {shape.K,5} | " +
                                  $"{single,11:F3} {shape.Flops / single / 1e6,8:F1} | {multi,11:F3} {shape.Flops / multi / 1e6,8:F1} | {1 / pair.RatioMedian,7:F2}× ({1 / pair.RatioMax:F2}–{1 / pair.RatioMin:F2})");
            }
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }

        // A batch's decoding step multiplies a few dozen rows by a large weight: packing that weight on every call costs
        // about as much as the multiply, so the decoder packs its weights once (PrepackedMatrix); same bits, less time.
        Console.WriteLine();
        Console.WriteLine($"weights packed once (inference, A·Wᵀ, 1 thread): median ms packing W on every call against W packed once, alternating; time ratio once / every call = median of the per-pair ratios (min–max)");
        Gemm.MaxThreads = 1;
        try
        {
            foreach (Shape shape in PrepackedShapes)
            {
                var buffers = new ShapeBuffers(shape);
                var pair = ComparePerMultiply(buffers.Multiply, buffers.MultiplyPrepacked, runs);
                double every = pair.Baseline.MedianMs, once = pair.Candidate.MedianMs;
                Console.WriteLine($"{shape.Name,-22} {shape.M,5} {shape.N,5} {shape.K,5} | every call {every,8:F3} ms {shape.Flops / every / 1e6,6:F1} GFLOP/s | " +
                                  $"once {once,8:F3} ms {shape.Flops / once / 1e6,6:F1} GFLOP/s | {pair.FormatRatio()}");
            }
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }

        // The naive placeholder this replaced: one dot product per element, no blocking, no SIMD.
        Shape baseline = Shapes.Single(s => s.Name == "attention h proj fwd");
        var naiveBuffers = new ShapeBuffers(baseline);
        double naive = MedianMs(baseline, naiveBuffers.MultiplyNaive, Math.Min(runs, 5));
        Gemm.MaxThreads = 1;
        double blocked = MedianMs(baseline, naiveBuffers.Multiply, runs);
        Gemm.MaxThreads = saved;
        Console.WriteLine();
        Console.WriteLine($"naive triple loop on {baseline.Name} ({baseline.Layout} {baseline.M}×{baseline.N}×{baseline.K}): " +
                          $"{naive:F3} ms = {baseline.Flops / naive / 1e6:F2} GFLOP/s; Gemm at 1 thread is {naive / blocked:F0}× faster");
    }

    /// <summary>Median milliseconds per multiply; tiny shapes are timed in batches so each sample lasts ≥ ~1 ms.</summary>
    private static double MedianMs(Shape shape, Action multiply, int runs)
    {
        int batch = BatchFor(multiply);
        var result = BenchStats.Measure(() => { for (int i = 0; i < batch; i++) multiply(); }, warmup: 2, runs: runs);
        return result.MedianMs / batch;
    }

    /// <summary>1 thread (baseline) against <paramref name="cores"/> threads in alternating runs; times are per multiply.</summary>
    private static BenchStats.Comparison CompareThreads(Action multiply, int cores, int runs) =>
        ComparePerMultiply(() => { Gemm.MaxThreads = 1; multiply(); }, () => { Gemm.MaxThreads = cores; multiply(); }, runs);

    /// <summary>Two ways of one multiply in alternating runs, each sample a batch of about 1 ms; times are per multiply.</summary>
    private static BenchStats.Comparison ComparePerMultiply(Action baseline, Action candidate, int runs)
    {
        int batch = BatchFor(baseline);
        Action Batched(Action multiply) => () => { for (int i = 0; i < batch; i++) multiply(); };
        var pair = BenchStats.Compare(Batched(baseline), Batched(candidate), warmup: 2, runs: runs);
        static BenchStats.Result PerMultiply(BenchStats.Result r, int n) => r with { MedianMs = r.MedianMs / n, MinMs = r.MinMs / n, MaxMs = r.MaxMs / n };
        return pair with { Baseline = PerMultiply(pair.Baseline, batch), Candidate = PerMultiply(pair.Candidate, batch) };
    }

    /// <summary>How many multiplies make one sample of about 1 ms (a single tiny multiply is below the timer's resolution).</summary>
    private static int BatchFor(Action multiply)
    {
        multiply();
        long start = Stopwatch.GetTimestamp();
        multiply();
        double oneMs = Math.Max(1e-3, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        return (int)Math.Clamp(1.0 / oneMs, 1, 1000);
    }

    /// <summary>Random A and B and an output C for one shape (tight leading dimensions).</summary>
    private sealed class ShapeBuffers
    {
        private readonly Shape shape;
        private readonly float[] a, b, c;

        public ShapeBuffers(Shape shape)
        {
            this.shape = shape;
            var random = new Random(42);
            a = RandomMatrix(random, shape.M * shape.K);
            b = RandomMatrix(random, shape.K * shape.N);
            c = new float[shape.M * shape.N];
        }

        private int Lda => shape.TransposeA ? shape.M : shape.K;
        private int Ldb => shape.TransposeB ? shape.K : shape.N;

        public void Multiply() =>
            Gemm.Multiply(shape.TransposeA, shape.TransposeB, shape.M, shape.N, shape.K, a, Lda, b, Ldb, c, shape.N);

        private PrepackedMatrix? prepacked;

        /// <summary>A·Bᵀ with B packed once (the first call packs it).</summary>
        public void MultiplyPrepacked()
        {
            prepacked ??= new PrepackedMatrix(b, shape.N, shape.K);
            Gemm.Multiply(Gemm.DefaultOptions(), shape.M, a, shape.K, prepacked, c, shape.N);
        }

        public void MultiplyNaive()
        {
            int m = shape.M, n = shape.N, k = shape.K, lda = Lda, ldb = Ldb;
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    float sum = 0f;
                    for (int p = 0; p < k; p++)
                        sum += (shape.TransposeA ? a[p * lda + i] : a[i * lda + p]) * (shape.TransposeB ? b[j * ldb + p] : b[p * ldb + j]);
                    c[i * n + j] = sum;
                }
        }

        private static float[] RandomMatrix(Random random, int length)
        {
            var data = new float[length];
            for (int i = 0; i < length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
            return data;
        }
    }
}
