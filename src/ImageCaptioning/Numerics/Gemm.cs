using System.Numerics.Tensors;

namespace ImageCaptioning.Numerics;

/// <summary>
/// Row-major single-precision matrix multiply: cache-blocked, packed, AVX-512 (or portable SIMD) micro-kernels,
/// multi-threaded on large shapes, and an unpacked streaming path for a handful of rows (inference).
/// Results do not depend on <see cref="MaxThreads"/>: every element is summed in the same order on any split.
/// </summary>
public static class Gemm
{
    private static int maxThreads = Environment.ProcessorCount;

    /// <summary>Upper bound on threads used (default <see cref="Environment.ProcessorCount"/>); 1 = single-threaded.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int MaxThreads
    {
        get => Volatile.Read(ref maxThreads);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(MaxThreads));
            Volatile.Write(ref maxThreads, value);
        }
    }

    /// <summary>
    /// C[m×n] = op(A)[m×k] · op(B)[k×n] + beta·C, row-major. op(A) = A (A is m×k, lda ≥ k) or Aᵀ (A stored k×m, lda ≥ m);
    /// op(B) = B (B is k×n, ldb ≥ n) or Bᵀ (B stored n×k, ldb ≥ k). beta = 0 overwrites C without reading it
    /// (C may hold garbage or NaN); beta = 1 accumulates; any other beta scales C first. C must not overlap A or B.
    /// </summary>
    /// <exception cref="ArgumentException">A size is negative, a leading dimension is too small, or a pointer is null while its matrix is not empty.</exception>
    public static unsafe void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, float* c, int ldc, float beta = 0f) =>
        Multiply(DefaultOptions(), transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, beta);

    /// <summary>
    /// Span form of <see cref="Multiply(bool,bool,int,int,int,float*,int,float*,int,float*,int,float)"/>: checks that
    /// each span holds its matrix (the last row only needs its own width), pins the spans and multiplies.
    /// </summary>
    /// <exception cref="ArgumentException">A size or leading dimension is invalid, or a span is too short for its matrix.</exception>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, float beta = 0f) =>
        Multiply(DefaultOptions(), transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, beta);

    /// <summary>The span multiply with explicit options (the decoder caps the threads of its products per call).</summary>
    internal static unsafe void Multiply(GemmOptions options, bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, float beta = 0f)
    {
        GemmArguments.Validate(transposeA, transposeB, m, n, k, lda, ldb, ldc);
        GemmArguments.RequireLength(a.Length, nameof(a), "A", transposeA ? k : m, transposeA ? m : k, lda);
        GemmArguments.RequireLength(b.Length, nameof(b), "B", transposeB ? n : k, transposeB ? k : n, ldb);
        GemmArguments.RequireLength(c.Length, nameof(c), "C", m, n, ldc);
        fixed (float* pa = a) fixed (float* pb = b) fixed (float* pc = c)
            Multiply(options, transposeA, transposeB, m, n, k, pa, lda, pb, ldb, pc, ldc, beta);
    }

    /// <summary>
    /// C[m×n] (+)= A[m×k] · Wᵀ with W [n×k] packed once (<see cref="PrepackedMatrix"/>): the same result, bit for bit, as
    /// multiplying by W itself, without re-packing W on every call that takes the packed algorithm.
    /// </summary>
    internal static unsafe void Multiply(GemmOptions options, int m, ReadOnlySpan<float> a, int lda, PrepackedMatrix weight,
        Span<float> c, int ldc, float beta = 0f)
    {
        ArgumentNullException.ThrowIfNull(weight);
        int n = weight.OutputDim, k = weight.InputDim;
        GemmArguments.Validate(false, true, m, n, k, lda, k, ldc);
        GemmArguments.RequireLength(a.Length, nameof(a), "A", m, k, lda);
        GemmArguments.RequireLength(c.Length, nameof(c), "C", m, n, ldc);
        fixed (float* pa = a) fixed (float* pb = weight.Weight) fixed (float* pc = c)
            Multiply(options, false, true, m, n, k, pa, lda, pb, k, pc, ldc, beta, weight);
    }

    /// <summary>The public entry points' options: at most <see cref="MaxThreads"/> threads and never more than there are cores.</summary>
    internal static GemmOptions DefaultOptions() =>
        new(Math.Min(MaxThreads, Environment.ProcessorCount), GemmSimd.Best, GemmStrategy.Auto);

    /// <summary>The pointer multiply with explicit options (tests force the fallback kernels, a strategy or a thread count).</summary>
    internal static unsafe void Multiply(GemmOptions options, bool transposeA, bool transposeB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, float* c, int ldc, float beta = 0f, PrepackedMatrix? prepackedB = null)
    {
        GemmArguments.Validate(transposeA, transposeB, m, n, k, lda, ldb, ldc);
        if (m == 0 || n == 0) return;
        if (c == null) throw new ArgumentNullException(nameof(c), $"C is null but is {m}×{n}.");
        if (k > 0 && (a == null || b == null))
            throw new ArgumentNullException(a == null ? nameof(a) : nameof(b), "A and B must not be null when k > 0.");
        if (!GemmSimd.IsSupported(options.Simd))
            throw new ArgumentException($"This CPU cannot run the {options.Simd} GEMM kernels.", nameof(options));
        if (options.MaxThreads < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxThreads, "MaxThreads must be at least 1.");

        bool accumulate = beta != 0f;
        if (accumulate && beta != 1f)
            for (int i = 0; i < m; i++)
            {
                var row = new Span<float>(c + (nint)i * ldc, n);
                TensorPrimitives.Multiply(row, beta, row);
            }
        if (k == 0)
        {
            // An empty sum: C = beta·C, which is all zeros when beta = 0.
            if (!accumulate)
                for (int i = 0; i < m; i++) new Span<float>(c + (nint)i * ldc, n).Clear();
            return;
        }
        var problem = new GemmProblem(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, prepackedB);
        GemmPlan.Execute(problem, options);
    }
}
