using ImageCaptioning.Numerics;

namespace ImageCaptioning.Tests.Numerics;

/// <summary>
/// The int8 product of the per-image projection: the vector and scalar kernels give the same bits (the integer sums are
/// exact), an output depends only on its own row (any batch, split or thread count), and the result is the product of
/// the quantised weights and inputs, close to the float32 one.
/// </summary>
public class Int8PackedMatrixTests
{
    public static TheoryData<int, int, int, bool> Shapes => new()
    {
        { 196, 576, 512, false },   // one image's cells, own channels, as shipped
        { 49, 1280, 256, false },   // its parent cells, one thread's half of the outputs
        { 7, 13, 9, true },         // ragged everything: rows, a partial panel, k not a multiple of 4; negative inputs
        { 130, 40, 72, true },      // three panels and a spare one; more rows than one thread's minimum
    };

    private static (float[] X, float[] W) Random(int m, int n, int k, bool negative, int seed)
    {
        var rng = new Random(seed);
        var w = new float[n * k];
        for (int i = 0; i < w.Length; i++) w[i] = (rng.NextSingle() - 0.5f) * 0.2f;
        var x = new float[m * k];
        for (int i = 0; i < x.Length; i++)
            x[i] = rng.NextSingle() < 0.5f ? 0f : negative ? (rng.NextSingle() - 0.3f) * 4f : rng.Next(1, 256) * 0.0235f;
        return (x, w);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TheVectorAndScalarKernelsGiveTheSameBitsOnAnyThreadCount(int m, int n, int k, bool negative)
    {
        var (x, w) = Random(m, n, k, negative, m + n + k);
        var packed = new Int8PackedMatrix(w, n, k);
        var expected = new float[m * n];
        packed.Multiply(x, m, k, expected, n, accumulate: false, maxThreads: 1, vector: false);
        foreach (bool vector in new[] { false, true })
            foreach (int threads in new[] { 1, 2, 3 })
            {
                var actual = new float[m * n];
                packed.Multiply(x, m, k, actual, n, accumulate: false, threads, vector);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"vector {vector}, {threads} threads: not bit-identical");
            }
        Assert.True(Int8PackedMatrix.IsAccelerated || !System.Runtime.Intrinsics.X86.AvxVnni.IsSupported);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ARowGetsTheSameBitsAloneOrInABatchAndAccumulatesOnTopOfY(int m, int n, int k, bool negative)
    {
        var (x, w) = Random(m, n, k, negative, 3 * m + k);
        var packed = new Int8PackedMatrix(w, n, k);
        var whole = new float[m * n];
        packed.Multiply(x, m, k, whole, n, accumulate: false, maxThreads: 2);
        int first = m / 3, rows = Math.Min(5, m - first);                       // a few rows from the middle, not a block boundary
        var part = new float[rows * (n + 3)];                                   // a wider y: the stride is honoured
        packed.Multiply(x.AsSpan(first * k), rows, k, part, n + 3, accumulate: false, maxThreads: 1);
        for (int r = 0; r < rows; r++)
            Assert.True(whole.AsSpan((first + r) * n, n).SequenceEqual(part.AsSpan(r * (n + 3), n)), $"row {first + r} differs");

        var y = Enumerable.Range(0, m * n).Select(i => (float)Math.Sin(i)).ToArray();
        var start = (float[])y.Clone();
        packed.Multiply(x, m, k, y, n, accumulate: true, maxThreads: 1);
        for (int i = 0; i < y.Length; i++) Assert.Equal(start[i] + whole[i], y[i]);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TheResultIsTheProductOfTheQuantisedWeightsAndInputsAndCloseToTheFloatOne(int m, int n, int k, bool negative)
    {
        var (x, w) = Random(m, n, k, negative, 5 * m + n);
        var packed = new Int8PackedMatrix(w, n, k);
        var y = new float[m * n];
        packed.Multiply(x, m, k, y, n, accumulate: false, maxThreads: 1);
        double largest = 0, worstQuantised = 0, worstFloat = 0;
        var q = new byte[(k + 3) / 4 * 4];
        for (int i = 0; i < m; i++)
        {
            var (s, z) = Int8PackedMatrix.QuantiseRow(x.AsSpan(i * k, k), q, vector: false);
            for (int j = 0; j < n; j++)
            {
                double quantised = 0, exact = 0;
                for (int c = 0; c < k; c++)
                {
                    quantised += (double)s * (q[c] - z) * packed.Dequantised(j, c);
                    exact += (double)x[i * k + c] * w[j * k + c];
                }
                largest = Math.Max(largest, Math.Abs(exact));
                worstQuantised = Math.Max(worstQuantised, Math.Abs(quantised - y[i * n + j]));
                worstFloat = Math.Max(worstFloat, Math.Abs(exact - y[i * n + j]));
            }
        }
        Assert.True(worstQuantised <= 1e-5 * largest, $"{worstQuantised} off the quantised product (largest {largest})");
        Assert.True(worstFloat <= 0.02 * largest, $"{worstFloat} off the float product (largest {largest})");
    }

    [Fact]
    public void ANonNegativeRowHasNoZeroPointAndAnAllZeroRowGivesZeros()
    {
        var q = new byte[8];
        var (scale, zero) = Int8PackedMatrix.QuantiseRow([0f, 1f, 2.55f, 0.5f, 0f], q, vector: true);
        Assert.Equal(0, zero);
        Assert.Equal(0.01f, scale, 1e-7f);
        Assert.Equal(new byte[] { 0, 100, 255, 50, 0, 0, 0, 0 }, q);
        Assert.Equal((0f, 0), Int8PackedMatrix.QuantiseRow(new float[5], q, vector: true));

        var packed = new Int8PackedMatrix([1f, -2f, 3f, 0.5f, 0.25f, 0f], 2, 3);
        var y = new float[4];
        packed.Multiply(new float[] { 0f, 0f, 0f, 1f, 2f, 4f }, 2, 3, y, 2, accumulate: false, maxThreads: 1);
        Assert.Equal(new[] { 0f, 0f }, y[..2]);
        Assert.Equal(1f - 4f + 12f, y[2], 0.05f);
        Assert.Equal(0.5f + 0.5f, y[3], 0.02f);
    }

    [Fact]
    public void NonFiniteInputsAndShortBuffersAreRefused()
    {
        var packed = new Int8PackedMatrix(new float[6], 2, 3);
        Assert.Throws<ArgumentException>(() => packed.Multiply(new[] { 1f, float.NaN, 0f }, 1, 3, new float[2], 2, false, 1));
        Assert.Throws<ArgumentException>(() => packed.Multiply(new float[5], 2, 3, new float[4], 2, false, 1));
        Assert.Throws<ArgumentException>(() => packed.Multiply(new float[6], 2, 3, new float[3], 2, false, 1));
        Assert.Throws<ArgumentException>(() => new Int8PackedMatrix(new float[5], 2, 3));
    }
}
