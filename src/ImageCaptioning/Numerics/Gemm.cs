namespace ImageCaptioning.Numerics;

/// <summary>Row-major single-precision matrix multiply (placeholder: naive loops; being replaced by a blocked SIMD kernel).</summary>
public static class Gemm
{
    /// <summary>Upper bound on threads used (default: all cores); 1 = single-threaded.</summary>
    public static int MaxThreads { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// C[m×n] = op(A)[m×k] · op(B)[k×n] + beta·C, row-major. op(A) = A (m×k, lda ≥ k) or Aᵀ (A stored k×m, lda ≥ m);
    /// op(B) = B (k×n, ldb ≥ n) or Bᵀ (B stored n×k, ldb ≥ k). beta = 0 overwrites C; beta = 1 accumulates.
    /// </summary>
    public static unsafe void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, float* c, int ldc, float beta = 0f)
    {
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            float sum = 0f;
            for (int p = 0; p < k; p++)
            {
                float av = transposeA ? a[p * lda + i] : a[i * lda + p];
                float bv = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                sum += av * bv;
            }
            c[i * ldc + j] = beta == 0f ? sum : beta * c[i * ldc + j] + sum;
        }
    }

    /// <inheritdoc cref="Multiply(bool,bool,int,int,int,float*,int,float*,int,float*,int,float)"/>
    public static unsafe void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, float beta = 0f)
    {
        fixed (float* pa = a) fixed (float* pb = b) fixed (float* pc = c)
            Multiply(transposeA, transposeB, m, n, k, pa, lda, pb, ldb, pc, ldc, beta);
    }
}
