using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ImageCaptioning.Numerics;

/// <summary>
/// An immutable row-major weight matrix [rows, cols] stored in fewer bytes than float32, for inference products that
/// are bound by memory traffic: at a handful of rows a matrix-vector product reads each weight once and does one
/// multiply-add with it, so fewer bytes per weight is nearly proportionally less time. <see cref="CompactGemm"/> widens
/// the weights to float32 in registers and accumulates in float32. The storage is pinned (allocated on the pinned
/// object heap) so the kernels can keep raw pointers into it.
/// </summary>
internal abstract unsafe class CompactMatrix
{
    protected CompactMatrix(int rows, int cols, int valueCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if (valueCount != (long)rows * cols)
            throw new ArgumentException($"Expected {rows}×{cols} values, got {valueCount}.", "values");
        Rows = rows;
        Cols = cols;
    }

    public int Rows { get; }
    public int Cols { get; }

    /// <summary>Element [row, col] as the kernels see it, widened to float32.</summary>
    public abstract float this[int row, int col] { get; }

    /// <summary>The first stored weight (pinned storage, row-major).</summary>
    internal abstract byte* Data { get; }

    /// <summary>Stacks matrices with the same column count on top of each other, in float16: [Σ rows, cols].</summary>
    /// <exception cref="ArgumentException">The parts disagree on the column count.</exception>
    public static CompactMatrix Stack(params ReadOnlySpan<(float[] Values, int Rows)> parts)
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

    /// <summary>The address of a pinned array's first element.</summary>
    protected static byte* AddressOf<T>(T[] pinned) where T : unmanaged =>
        (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
}
