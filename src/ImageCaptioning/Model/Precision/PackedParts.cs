namespace ImageCaptioning.Model;

/// <summary>
/// A snapshot's weights packed for the parts of a step (<see cref="StepPart"/>): whole, packed now, and the two halves of
/// every matrix's outputs that two threads compute together, packed on first use (only an odd ensemble member is
/// computed in halves). A half holds the whole's rows, so a product computed in halves gives the same outputs.
/// </summary>
internal sealed class PackedParts<T>(Func<StepPart, T> pack) where T : class
{
    private readonly T _whole = pack(StepPart.Whole);
    private readonly Lazy<T[]> _halves = new(() => [pack(new StepPart(0, 2, null)), pack(new StepPart(1, 2, null))],
        LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The weights of <paramref name="part"/>'s outputs (whole, or one of two halves).</summary>
    public T For(StepPart part) => part.IsWhole ? _whole
        : part.Count == 2 ? _halves.Value[part.Index]
        : throw new ArgumentOutOfRangeException(nameof(part), part.Count, "Weights are packed whole and in halves.");
}

/// <summary>Cutting a weight matrix into the blocks a part packs.</summary>
internal static class PackedParts
{
    /// <summary>Rows [r0, r1) and columns [k0, k1) of a row-major matrix with <paramref name="cols"/> columns, as a new contiguous array.</summary>
    public static float[] Block(float[] matrix, int cols, int r0, int r1, int k0, int k1)
    {
        var block = new float[(r1 - r0) * (k1 - k0)];
        for (int r = r0; r < r1; r++)
            matrix.AsSpan(r * cols + k0, k1 - k0).CopyTo(block.AsSpan((r - r0) * (k1 - k0), k1 - k0));
        return block;
    }
}
