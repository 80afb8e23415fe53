namespace ImageCaptioning.Numerics;

/// <summary>
/// One multiply C[M×N] (+)= op(A)[M×K] · op(B)[K×N] on raw row-major storage, already validated.
/// op(A)[i, p] is A[i·Lda + p], or A[p·Lda + i] when <see cref="TransposeA"/>; op(B)[p, j] is B[p·Ldb + j],
/// or B[j·Ldb + p] when <see cref="TransposeB"/>. <see cref="Accumulate"/> = false overwrites C without reading it.
/// Threads get disjoint row or column slices of the same problem.
/// </summary>
internal readonly unsafe struct GemmProblem(
    bool transposeA, bool transposeB, int m, int n, int k,
    float* a, nint lda, float* b, nint ldb, float* c, nint ldc, bool accumulate,
    PrepackedMatrix? prepackedB = null, int bColumn = 0)
{
    public bool TransposeA { get; } = transposeA;
    public bool TransposeB { get; } = transposeB;
    public int M { get; } = m;
    public int N { get; } = n;
    public int K { get; } = k;
    public float* A { get; } = a;
    public nint Lda { get; } = lda;
    public float* B { get; } = b;
    public nint Ldb { get; } = ldb;
    public float* C { get; } = c;
    public nint Ldc { get; } = ldc;
    public bool Accumulate { get; } = accumulate;
    /// <summary>op(B) = Wᵀ already packed (B then points at W itself, for the products that do not pack), or null.</summary>
    public PrepackedMatrix? PrepackedB { get; } = prepackedB;
    /// <summary>Column of the whole product where this problem's op(B) starts (a thread's share of a prepacked B).</summary>
    public int BColumn { get; } = bColumn;

    /// <summary>Rows [first, first+count) of C and op(A); op(B) unchanged.</summary>
    public GemmProblem Rows(int first, int count) => new(TransposeA, TransposeB, count, N, K,
        TransposeA ? A + first : A + first * Lda, Lda, B, Ldb, C + first * Ldc, Ldc, Accumulate, PrepackedB, BColumn);

    /// <summary>Columns [first, first+count) of C and op(B); op(A) unchanged.</summary>
    public GemmProblem Columns(int first, int count) => new(TransposeA, TransposeB, M, count, K,
        A, Lda, TransposeB ? B + first * Ldb : B + first, Ldb, C + first, Ldc, Accumulate, PrepackedB, BColumn + first);

    /// <summary>Floating-point operations (one multiply + one add per term).</summary>
    public double Flops => 2.0 * M * N * K;
}
