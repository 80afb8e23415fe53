namespace ImageCaptioning.Numerics;

/// <summary>
/// A row-major int8 matrix with one float32 scale per row (symmetric per-row quantisation, the usual choice for the
/// weights of a matrix-vector product): w[r, c] ≈ Scales[r] · Values[r, c], Scales[r] = max_c |w[r, c]| / 127,
/// Values = round(w / Scales[r]) in [−127, 127]. A quarter of float32's bytes; the rounding error of a weight is at most
/// half a step, 0.4 % of its row's largest magnitude. <see cref="Int8PackedMatrix"/> lays these values out for its
/// kernel and applies the scale once per dot product: Σ_c x[c]·w[r, c] ≈ Scales[r] · Σ_c x[c]·Values[r, c].
/// </summary>
internal sealed class Int8Matrix
{
    public const int MaxMagnitude = 127;

    /// <summary>Quantises <paramref name="values"/> ([rows, cols] row-major) row by row.</summary>
    /// <exception cref="ArgumentException">The span does not hold rows × cols values, or holds a NaN or infinity.</exception>
    public Int8Matrix(ReadOnlySpan<float> values, int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if (values.Length != (long)rows * cols)
            throw new ArgumentException($"Expected {rows}×{cols} values, got {values.Length}.", nameof(values));
        Rows = rows;
        Cols = cols;
        Values = new sbyte[values.Length];
        Scales = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = values.Slice(r * cols, cols);
            float largest = 0f;
            foreach (float v in row)
            {
                if (!float.IsFinite(v)) throw new ArgumentException($"Row {r} holds {v}; only finite weights can be quantised.", nameof(values));
                largest = MathF.Max(largest, MathF.Abs(v));
            }
            float scale = largest / MaxMagnitude;                 // 0 for an all-zero row: its values stay 0
            Scales[r] = scale;
            var quantised = Values.AsSpan(r * cols, cols);
            for (int c = 0; c < cols; c++)
                quantised[c] = scale == 0f ? (sbyte)0 : (sbyte)Math.Clamp(MathF.Round(row[c] / scale), -MaxMagnitude, MaxMagnitude);
        }
    }

    public int Rows { get; }
    public int Cols { get; }

    /// <summary>The quantised weights, row-major.</summary>
    public sbyte[] Values { get; }

    /// <summary>[Rows] each row's step.</summary>
    public float[] Scales { get; }

    /// <summary>Element [row, col] as the quantised matrix holds it: Scales[row] · Values[row, col].</summary>
    public float this[int row, int col] => Scales[row] * Values[row * Cols + col];
}
