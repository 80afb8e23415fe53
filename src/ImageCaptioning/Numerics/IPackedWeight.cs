namespace ImageCaptioning.Numerics;

/// <summary>
/// A weight W [n×k] (the [out, in] layout) prepared once for repeated products y = x·Wᵀ on weights that no longer change:
/// <see cref="PrepackedMatrix"/> (float32 panels, bit-identical to multiplying by W) or <see cref="Int8PackedMatrix"/>
/// (int8 weights, u8 inputs: faster, and approximate).
/// </summary>
internal interface IPackedWeight
{
    /// <summary>n: rows of W, columns of the product.</summary>
    int OutputDim { get; }

    /// <summary>k: columns of W, the shared dimension.</summary>
    int InputDim { get; }

    /// <summary>
    /// y[rows×n] (+)= x[rows×k]·Wᵀ; x's rows are <paramref name="xStride"/> floats apart, y's <paramref name="yStride"/>.
    /// Uses at most <paramref name="maxThreads"/> threads; the result does not depend on it.
    /// </summary>
    void Multiply(ReadOnlySpan<float> x, int rows, int xStride, Span<float> y, int yStride, bool accumulate, int maxThreads);
}
