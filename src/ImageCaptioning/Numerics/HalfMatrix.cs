namespace ImageCaptioning.Numerics;

/// <summary>
/// A row-major float16 <see cref="CompactMatrix"/>: the bits are IEEE binary16 (<see cref="Half"/>), half of float32's
/// bytes, and exact for weights that were stored as float16 (the shipped model's file).
/// </summary>
internal sealed unsafe class HalfMatrix : CompactMatrix
{
    /// <summary>Rounds <paramref name="values"/> ([rows, cols] row-major) to float16 (round to nearest even).</summary>
    /// <exception cref="ArgumentException">The span does not hold rows × cols values.</exception>
    public HalfMatrix(ReadOnlySpan<float> values, int rows, int cols) : base(rows, cols, values.Length)
    {
        Bits = GC.AllocateUninitializedArray<ushort>(values.Length, pinned: true);
        for (int i = 0; i < values.Length; i++) Bits[i] = BitConverter.HalfToUInt16Bits((Half)values[i]);
    }

    /// <summary>The binary16 bit patterns, row-major (pinned).</summary>
    public ushort[] Bits { get; }

    /// <summary>Element [row, col] widened to float32.</summary>
    public override float this[int row, int col] => (float)BitConverter.UInt16BitsToHalf(Bits[row * Cols + col]);

    internal override byte* Data => AddressOf(Bits);

    /// <summary>True when every one of <paramref name="values"/> is exactly a float16 value (so storing it as one loses nothing).</summary>
    public static bool IsExactlyRepresentable(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
            if ((float)(Half)v != v) return false;
        return true;
    }
}
