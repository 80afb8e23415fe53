namespace ImageCaptioning.Numerics;

/// <summary>
/// An immutable row-major float16 matrix [rows, cols] for inference products that are bound by memory traffic:
/// at a handful of rows a matrix-vector product reads each weight once and does one multiply-add with it, so
/// storing 2 bytes instead of 4 per weight halves the time. The bits are IEEE binary16 (<see cref="Half"/>);
/// <see cref="HalfGemm"/> widens them to float32 in registers and accumulates in float32.
/// The array is pinned (allocated on the pinned object heap) so the kernels can keep raw pointers into it.
/// </summary>
internal sealed class HalfMatrix
{
    /// <summary>Rounds <paramref name="values"/> ([rows, cols] row-major) to float16 (round to nearest even).</summary>
    /// <exception cref="ArgumentException">The span does not hold rows × cols values.</exception>
    public HalfMatrix(ReadOnlySpan<float> values, int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if (values.Length != (long)rows * cols)
            throw new ArgumentException($"Expected {rows}×{cols} values, got {values.Length}.", nameof(values));
        Rows = rows;
        Cols = cols;
        Bits = GC.AllocateUninitializedArray<ushort>(values.Length, pinned: true);
        for (int i = 0; i < values.Length; i++) Bits[i] = BitConverter.HalfToUInt16Bits((Half)values[i]);
    }

    /// <summary>Stacks matrices with the same column count on top of each other: [Σ rows, cols].</summary>
    /// <exception cref="ArgumentException">The parts disagree on the column count.</exception>
    public static HalfMatrix Stack(params ReadOnlySpan<(float[] Values, int Rows)> parts)
    {
        if (parts.IsEmpty) throw new ArgumentException("Nothing to stack.", nameof(parts));
        int rows = 0, cols = parts[0].Values.Length / Math.Max(1, parts[0].Rows);
        foreach (var (values, partRows) in parts)
        {
            if (values.Length != (long)partRows * cols)
                throw new ArgumentException($"A part of {partRows} rows holds {values.Length} values, not {partRows}×{cols}.", nameof(parts));
            rows += partRows;
        }
        var all = new float[(long)rows * cols];
        int at = 0;
        foreach (var (values, _) in parts)
        {
            values.CopyTo(all, at);
            at += values.Length;
        }
        return new HalfMatrix(all, rows, cols);
    }

    public int Rows { get; }
    public int Cols { get; }

    /// <summary>The binary16 bit patterns, row-major (pinned).</summary>
    public ushort[] Bits { get; }

    /// <summary>Element [row, col] widened to float32.</summary>
    public float this[int row, int col] => (float)BitConverter.UInt16BitsToHalf(Bits[row * Cols + col]);

    /// <summary>True when every one of <paramref name="values"/> is exactly a float16 value (so storing it as one loses nothing).</summary>
    public static bool IsExactlyRepresentable(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
            if ((float)(Half)v != v) return false;
        return true;
    }
}
