using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ImageCaptioning.Numerics;

/// <summary>How a <see cref="CompactMatrix"/> stores its weights.</summary>
internal enum CompactFormat
{
    /// <summary>IEEE binary16, 2 bytes a weight (<see cref="HalfMatrix"/>).</summary>
    Float16,
    /// <summary>Signed 8-bit integers with one float32 scale per row, 1 byte a weight (<see cref="Int8Matrix"/>).</summary>
    Int8,
}

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
    public abstract CompactFormat Format { get; }

    /// <summary>Element [row, col] as the kernels see it, widened (and scaled) to float32.</summary>
    public abstract float this[int row, int col] { get; }

    /// <summary>The first stored weight (pinned storage, row-major).</summary>
    internal abstract byte* Data { get; }

    /// <summary>[Rows] factors each row's dot product is multiplied by, or null (float16 stores the values themselves).</summary>
    internal virtual float* RowScales => null;

    /// <summary>The storage of <paramref name="values"/> ([rows, cols] row-major) in <paramref name="format"/>.</summary>
    /// <exception cref="ArgumentException">The span does not hold rows × cols values.</exception>
    public static CompactMatrix Create(CompactFormat format, ReadOnlySpan<float> values, int rows, int cols) => format switch
    {
        CompactFormat.Float16 => new HalfMatrix(values, rows, cols),
        CompactFormat.Int8 => new Int8Matrix(values, rows, cols),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown compact format."),
    };

    /// <summary>Stacks matrices with the same column count on top of each other: [Σ rows, cols].</summary>
    /// <exception cref="ArgumentException">The parts disagree on the column count.</exception>
    public static CompactMatrix Stack(CompactFormat format, params ReadOnlySpan<(float[] Values, int Rows)> parts)
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
        return Create(format, all, rows, cols);
    }

    /// <summary>The address of a pinned array's first element.</summary>
    protected static byte* AddressOf<T>(T[] pinned) where T : unmanaged =>
        (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
}
