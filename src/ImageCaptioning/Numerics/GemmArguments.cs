namespace ImageCaptioning.Numerics;

/// <summary>Argument checks for <see cref="Gemm"/>: each failure names the matrix, its shape and the offending number.</summary>
internal static class GemmArguments
{
    public static void Validate(bool transposeA, bool transposeB, int m, int n, int k, int lda, int ldb, int ldc)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        RequireLeadingDimension(lda, nameof(lda), "A", transposeA ? k : m, transposeA ? m : k, transposeA);
        RequireLeadingDimension(ldb, nameof(ldb), "B", transposeB ? n : k, transposeB ? k : n, transposeB);
        RequireLeadingDimension(ldc, nameof(ldc), "C", m, n, transposed: false);
    }

    /// <summary>A stored rows×cols matrix needs ld ≥ cols (unless it is empty).</summary>
    private static void RequireLeadingDimension(int ld, string parameter, string matrix, int rows, int cols, bool transposed)
    {
        if (ld < 0 || (rows > 0 && cols > 0 && ld < cols))
            throw new ArgumentOutOfRangeException(parameter, ld,
                $"{matrix} is stored {(transposed ? "transposed " : "")}as {rows}×{cols}, so its leading dimension must be at least {cols}.");
    }

    /// <summary>A weight to prepare once (<see cref="IPackedWeight"/>): at least one output and one input, and outputDim × inputDim values.</summary>
    public static void RequireWeight(float[] weight, int outputDim, int inputDim)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDim, 1);
        if (weight.Length < (long)outputDim * inputDim)
            throw new ArgumentException($"expected a {outputDim}×{inputDim} weight, got {weight.Length} values", nameof(weight));
    }

    /// <summary>A stored rows×cols matrix with leading dimension ld spans (rows-1)·ld + cols elements.</summary>
    public static void RequireLength(int length, string parameter, string matrix, int rows, int cols, int ld)
    {
        long needed = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        if (length < needed)
            throw new ArgumentException(
                $"{matrix} is {rows}×{cols} with leading dimension {ld}, which needs {needed} elements, but the span holds {length}.", parameter);
    }
}
