namespace ImageCaptioning.Numerics;

/// <summary>
/// A row-major int8 matrix with one float32 scale per row (symmetric per-row quantisation, the usual choice for the
/// weights of a matrix-vector product): w[r, c] ≈ Scales[r] · Values[r, c], Scales[r] = max_c |w[r, c]| / 127,
/// Values = round(w / Scales[r]) in [−127, 127]. A quarter of float32's bytes and half of float16's; the rounding error
/// of a weight is at most half a step, 0.4 % of its row's largest magnitude. The kernels apply the scale once per
/// dot product: Σ_c x[c]·w[r, c] ≈ Scales[r] · Σ_c x[c]·Values[r, c].
/// </summary>
internal sealed unsafe class Int8Matrix : CompactMatrix
{
    public const int MaxMagnitude = 127;

    /// <summary>Quantises <paramref name="values"/> ([rows, cols] row-major) row by row.</summary>
    /// <exception cref="ArgumentException">The span does not hold rows × cols values, or holds a NaN or infinity.</exception>
    public Int8Matrix(ReadOnlySpan<float> values, int rows, int cols) : base(rows, cols, values.Length)
    {
        Values = GC.AllocateUninitializedArray<sbyte>(values.Length, pinned: true);
        Scales = GC.AllocateArray<float>(rows, pinned: true);
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

    public override CompactFormat Format => CompactFormat.Int8;

    /// <summary>The quantised weights, row-major (pinned).</summary>
    public sbyte[] Values { get; }

    /// <summary>[Rows] each row's step (pinned).</summary>
    public float[] Scales { get; }

    public override float this[int row, int col] => Scales[row] * Values[row * Cols + col];

    internal override byte* Data => AddressOf(Values);
    internal override float* RowScales => (float*)AddressOf(Scales);
}
