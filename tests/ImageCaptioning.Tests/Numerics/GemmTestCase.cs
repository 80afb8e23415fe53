using ImageCaptioning.Numerics;

namespace ImageCaptioning.Tests.Numerics;

/// <summary>
/// One random multiply with padded storage and the naive double-precision answer to compare against.
/// Padding elements of A and B hold NaN (a kernel that reads them would poison C), and C's padding holds
/// a sentinel that must survive (a kernel that writes past a row would change it).
/// </summary>
internal sealed class GemmTestCase
{
    public const float CPadding = 12345.5f;

    public bool TransposeA { get; }
    public bool TransposeB { get; }
    public int M { get; }
    public int N { get; }
    public int K { get; }
    public int Lda { get; }
    public int Ldb { get; }
    public int Ldc { get; }
    public float[] A { get; }
    public float[] B { get; }
    /// <summary>Initial C (random values inside, <see cref="CPadding"/> in the padding).</summary>
    public float[] InitialC { get; }

    private readonly double[] product;    // op(A)·op(B) in double, [M×N]
    private readonly double[] magnitude;  // Σ_p |op(A)[i,p]|·|op(B)[p,j]|: the scale a float sum's rounding error grows with

    public GemmTestCase(bool transposeA, bool transposeB, int m, int n, int k, int padding, int seed)
    {
        TransposeA = transposeA; TransposeB = transposeB; M = m; N = n; K = k;
        var random = new Random(seed);
        (int aRows, int aCols) = transposeA ? (k, m) : (m, k);
        (int bRows, int bCols) = transposeB ? (n, k) : (k, n);
        Lda = aCols + padding; Ldb = bCols + padding; Ldc = n + padding;
        A = RandomPadded(random, aRows, aCols, Lda, float.NaN);
        B = RandomPadded(random, bRows, bCols, Ldb, float.NaN);
        InitialC = RandomPadded(random, m, n, Ldc, CPadding);

        product = new double[m * n];
        magnitude = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0, scale = 0;
                for (int p = 0; p < k; p++)
                {
                    double term = (double)OpA(i, p) * OpB(p, j);
                    sum += term;
                    scale += Math.Abs(term);
                }
                product[i * n + j] = sum;
                magnitude[i * n + j] = scale;
            }
    }

    public float OpA(int i, int p) => TransposeA ? A[p * Lda + i] : A[i * Lda + p];
    public float OpB(int p, int j) => TransposeB ? B[j * Ldb + p] : B[p * Ldb + j];

    /// <summary>A fresh copy of the initial C, with its inside overwritten by <paramref name="fill"/> if given (e.g. NaN).</summary>
    public float[] NewC(float? fill = null)
    {
        var c = (float[])InitialC.Clone();
        if (fill is float value)
            for (int i = 0; i < M; i++) c.AsSpan(i * Ldc, N).Fill(value);
        return c;
    }

    /// <summary>Runs the public span API.</summary>
    public float[] RunPublic(float beta, float? fill = null)
    {
        float[] c = NewC(fill);
        Gemm.Multiply(TransposeA, TransposeB, M, N, K, A, Lda, B, Ldb, c, Ldc, beta);
        return c;
    }

    /// <summary>Runs with explicit options (kernel level, strategy, threads).</summary>
    public unsafe float[] Run(GemmOptions options, float beta, float? fill = null)
    {
        float[] c = NewC(fill);
        fixed (float* pa = A) fixed (float* pb = B) fixed (float* pc = c)
            Gemm.Multiply(options, TransposeA, TransposeB, M, N, K, pa, Lda, pb, Ldb, pc, Ldc, beta);
        return c;
    }

    /// <summary>Asserts C = product + beta·initial C within a relative tolerance, and C's padding unchanged.</summary>
    public void AssertMatches(float[] c, float beta, string label)
    {
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < N; j++)
            {
                double initial = beta == 0f ? 0 : InitialC[i * Ldc + j];
                double expected = product[i * N + j] + beta * initial;
                double tolerance = 1e-4 * (magnitude[i * N + j] + Math.Abs(beta * initial)) + 1e-6;
                float actual = c[i * Ldc + j];
                if (!(Math.Abs(actual - expected) <= tolerance))
                    Assert.Fail($"{label} {Describe()}: C[{i},{j}] = {actual}, expected {expected} ± {tolerance:G3}.");
            }
            for (int j = N; j < Ldc && i * Ldc + j < c.Length; j++)
                if (c[i * Ldc + j] != CPadding)
                    Assert.Fail($"{label} {Describe()}: wrote into C's padding at row {i}, column {j}.");
        }
    }

    public string Describe() =>
        $"{(TransposeA ? "Aᵀ" : "A")}·{(TransposeB ? "Bᵀ" : "B")} m={M} n={N} k={K} lda={Lda} ldb={Ldb} ldc={Ldc}";

    private static float[] RandomPadded(Random random, int rows, int cols, int ld, float padding)
    {
        // The last row needs only its own width, like a tightly sized caller buffer.
        var data = new float[rows == 0 ? 0 : (rows - 1) * ld + cols];
        Array.Fill(data, padding);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                data[r * ld + c] = (float)(random.NextDouble() * 2 - 1);
        return data;
    }
}
