using System.Runtime.Intrinsics;
using ImageCaptioning.Numerics;

namespace ImageCaptioning.Tests.Numerics;

/// <summary>
/// The compact-weight product (float16): exact widening of every finite float16 value on each instruction set, and
/// y = x·Wᵀ + b against a naive double-precision reference on the stored weights for odd sizes, k tails, ragged column
/// groups and 1–5 rows; and the per-row int8 quantisation that <see cref="Int8PackedMatrix"/> builds on.
/// </summary>
public class CompactGemmTests
{
    private static readonly GemmSimdLevel[] Levels = [.. Enum.GetValues<GemmSimdLevel>().Where(GemmSimd.IsSupported)];

    [Fact]
    public void RebiasConstantIsExactlyTwoToThe112()
    {
        Assert.Equal(HalfWidening.Rebias, BitConverter.Int32BitsToSingle((127 + 112) << 23));
        Assert.Equal(1f, HalfWidening.Rebias * HalfWidening.InverseRebias);
    }

    [Fact]
    public unsafe void EveryFiniteFloat16WidensExactlyOnEveryInstructionSet()
    {
        var finite = Enumerable.Range(0, 65536).Select(i => (ushort)i)
            .Where(bits => Half.IsFinite(BitConverter.UInt16BitsToHalf(bits))).ToArray();
        int padded = (finite.Length + 15) / 16 * 16;
        var bits = new ushort[padded];
        finite.CopyTo(bits, 0);
        var expected = bits.Select(b => (float)BitConverter.UInt16BitsToHalf(b)).ToArray();
        var widened = new float[padded];
        fixed (ushort* source = bits) fixed (float* target = widened)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                for (int i = 0; i < padded; i += Vector512Ops.Count) Vector512Ops.Store(target + i, Half512Ops.LoadHalf(source + i));
                AssertBitwiseEqual(expected, widened, "Vector512");
            }
            if (System.Numerics.Vector.IsHardwareAccelerated)
            {
                for (int i = 0; i < padded; i += VectorTOps.Count) VectorTOps.Store(target + i, HalfVectorTOps.LoadHalf(source + i));
                AssertBitwiseEqual(expected, widened, "Vector");
            }
            for (int i = 0; i < padded; i++) target[i] = HalfScalarOps.LoadHalf(source + i);
            AssertBitwiseEqual(expected, widened, "Scalar");
        }
    }

    [Fact]
    public unsafe void ThePrescaledFloat16WideningTimesTwoToThe112IsTheExactValue()
    {
        // Hardware, not data: IMAGECAPTIONING_REQUIRE_DATA does not apply, a CPU without AVX-512 simply has no such path.
        Assert.SkipUnless(Vector512.IsHardwareAccelerated, "This CPU has no AVX-512; the prescaled float16 path exists only for Vector512.");
        var bits = Enumerable.Range(0, 65536).Select(i => (ushort)i)
            .Where(b => Half.IsFinite(BitConverter.UInt16BitsToHalf(b))).ToArray();   // 63488 = 3968 × 16
        var widened = new float[16];
        fixed (ushort* source = bits) fixed (float* target = widened)
            for (int i = 0; i + 16 <= bits.Length; i += 16)
            {
                Vector512Ops.Store(target, Half512PrescaledOps.LoadWeights((byte*)(source + i)));
                for (int j = 0; j < 16; j++)
                {
                    float exact = (float)BitConverter.UInt16BitsToHalf(bits[i + j]);
                    Assert.Equal(exact, widened[j] * Half512PrescaledOps.XScale);                        // w·2⁻¹¹² · 2¹¹² = w
                    Assert.Equal(exact * HalfWidening.InverseRebias, Half512PrescaledOps.LoadWeight((byte*)(source + i + j)));
                }
            }
    }

    [Fact]
    public void Int8QuantisesEachRowToItsOwnRange()
    {
        float[] values = [0.5f, -1f, 0.25f, 0.001f,      // row 0: range 1
                          0f, 0f, 0f, 0f,                 // row 1: all zero
                          100f, -3f, 40f, -100f];         // row 2: range 100
        var w = new Int8Matrix(values, 3, 4);
        Assert.Equal([1f / 127, 0f, 100f / 127], w.Scales);
        Assert.Equal(-127, w.Values[1]);                  // the largest magnitude takes the whole range
        Assert.Equal(127, w.Values[8]);
        Assert.Equal(0, w.Values[3]);                     // 0.001 is below half a step (1/254)
        Assert.All(w.Values[4..8], q => Assert.Equal(0, q));
        for (int i = 0; i < values.Length; i++)
            Assert.True(Math.Abs(w[i / 4, i % 4] - values[i]) <= w.Scales[i / 4] / 2 + 1e-7,
                $"element {i}: {w[i / 4, i % 4]} is more than half a step from {values[i]}");
        Assert.Throws<ArgumentException>(() => new Int8Matrix([1f, float.NaN], 1, 2));
        Assert.Throws<ArgumentException>(() => new Int8Matrix([1f, 2f, 3f], 1, 2));
    }

    private static void AssertBitwiseEqual(float[] expected, float[] actual, string level)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{level}: element {i} widened to {actual[i]}, expected {expected[i]}");
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 37, 19)]
    [InlineData(2, 5, 16)]
    [InlineData(3, 70, 300)]
    [InlineData(4, 9, 33)]
    [InlineData(5, 130, 17)]
    [InlineData(3, 4, 64)]
    [InlineData(1, 258, 512)]
    public void MatchesTheNaiveProductOnEveryInstructionSet(int m, int n, int k)
    {
        var random = new Random(m + 31 * n + 977 * k);
        int ldx = k + 3, ldy = n + 2;
        var x = Filled(random, (m - 1) * ldx + k);
        var weights = Filled(random, n * k);
        var bias = Filled(random, n);
        var w = new HalfMatrix(weights, n, k);
        var initial = Filled(random, (m - 1) * ldy + n);

        foreach (bool withBias in new[] { false, true })
            foreach (bool accumulate in new[] { false, true })
            {
                var expected = Naive(x, m, ldx, w, withBias ? bias : null, accumulate ? initial : null, ldy);
                foreach (GemmSimdLevel level in Levels)
                {
                    var y = (float[])initial.Clone();
                    CompactGemm.Multiply(level, x, m, ldx, w, withBias ? bias : default, y, ldy, accumulate);
                    string what = $"{level}, bias {withBias}, accumulate {accumulate}";
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < ldy; j++)
                        {
                            int at = i * ldy + j;
                            if (at >= y.Length) break;
                            if (j >= n)
                            {
                                Assert.True(initial[at] == y[at], $"{what}: padding [{i}, {j}] was written");
                                continue;
                            }
                            Assert.True(Math.Abs(y[at] - expected[at]) <= 1e-5 * (1 + Math.Abs(expected[at])) + 1e-6 * k,
                                $"{what}: y[{i}, {j}] = {y[at]}, expected {expected[at]}");
                        }
                }
            }
    }

    [Fact]
    public void LargeInputsSkipThePrescaledFloat16PathAndStayExact()
    {
        // x ≥ 2¹⁶ would overflow once multiplied by 2¹¹², so such products take the plain widening instead; both must
        // match the reference (a prescaled overflow would give infinities here).
        var random = new Random(3);
        int m = 2, n = 9, k = 40;
        var x = Filled(random, m * k);
        x[5] = 70000f;
        x[k + 7] = -1e6f;
        var w = new HalfMatrix(Filled(random, n * k), n, k);
        var expected = Naive(x, m, k, w, null, null, n);
        var y = new float[m * n];
        CompactGemm.Multiply(x, m, k, w, default, y, n);
        for (int i = 0; i < y.Length; i++)
            Assert.True(Math.Abs(y[i] - expected[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"y[{i}] = {y[i]}, expected {expected[i]}");
    }

    [Fact]
    public void RoundsWeightsToTheNearestFloat16()
    {
        float[] values = [1f / 3, -2.5e-6f, 70000f, 0f];
        var w = new HalfMatrix(values, 2, 2);
        for (int i = 0; i < values.Length; i++)
            Assert.Equal((float)(Half)values[i], w[i / 2, i % 2]);
        Assert.False(HalfMatrix.IsExactlyRepresentable(values));
        Assert.True(HalfMatrix.IsExactlyRepresentable([0.5f, -1.25f, 0f]));
    }

    [Fact]
    public void RejectsMismatchedSizes()
    {
        var w = new HalfMatrix(new float[6], 2, 3);
        Assert.Throws<ArgumentException>(() => CompactGemm.Multiply(new float[3], 1, 2, w, default, new float[2], 2));
        Assert.Throws<ArgumentException>(() => CompactGemm.Multiply(new float[2], 1, 3, w, default, new float[2], 2));
        Assert.Throws<ArgumentException>(() => CompactGemm.Multiply(new float[3], 1, 3, w, new float[3], new float[2], 2));
        Assert.Throws<ArgumentException>(() => CompactGemm.Multiply(new float[3], 1, 3, w, default, new float[1], 2));
    }

    private static float[] Filled(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = random.NextSingle() * 2 - 1;
        return values;
    }

    private static double[] Naive(float[] x, int m, int ldx, CompactMatrix w, float[]? bias, float[]? initial, int ldy)
    {
        var y = new double[(m - 1) * ldy + w.Rows];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < w.Rows; j++)
            {
                double sum = bias?[j] ?? 0;
                for (int p = 0; p < w.Cols; p++) sum += (double)x[i * ldx + p] * w[j, p];
                y[i * ldy + j] = sum + (initial?[i * ldy + j] ?? 0);
            }
        return y;
    }
}
