using System.Runtime.Intrinsics;
using ImageCaptioning.Numerics;

namespace ImageCaptioning.Tests.Numerics;

/// <summary>
/// The float16-weight product: exact widening of every finite float16 value on each instruction set, and
/// y = x·Wᵀ + b against a naive double-precision reference on odd sizes, k tails, ragged column groups and 1–5 rows.
/// </summary>
public class HalfGemmTests
{
    private static readonly GemmSimdLevel[] Levels = [.. Enum.GetValues<GemmSimdLevel>().Where(GemmSimd.IsSupported)];

    [Fact]
    public void RebiasConstantIsExactlyTwoToThe112()
    {
        Assert.Equal(HalfWidening.Rebias, BitConverter.Int32BitsToSingle((127 + 112) << 23));
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
                for (int i = 0; i < padded; i += Half512Ops.Count) Half512Ops.Store(target + i, Half512Ops.LoadHalf(source + i));
                AssertBitwiseEqual(expected, widened, "Vector512");
            }
            if (System.Numerics.Vector.IsHardwareAccelerated)
            {
                for (int i = 0; i < padded; i += HalfVectorTOps.Count) HalfVectorTOps.Store(target + i, HalfVectorTOps.LoadHalf(source + i));
                AssertBitwiseEqual(expected, widened, "Vector");
            }
            for (int i = 0; i < padded; i++) target[i] = HalfScalarOps.LoadHalf(source + i);
            AssertBitwiseEqual(expected, widened, "Scalar");
        }
    }

    private static void AssertBitwiseEqual(float[] expected, float[] actual, string level)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{level}: element {i} widened to {actual[i]}, expected {expected[i]}");
    }

    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 },
        { 1, 37, 19 },
        { 2, 5, 16 },
        { 3, 70, 300 },
        { 4, 9, 33 },
        { 5, 130, 17 },
        { 3, 4, 64 },
        { 1, 258, 512 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesTheNaiveProductOnEveryInstructionSetAndSplit(int m, int n, int k)
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
                float[]? single = null;
                foreach (GemmSimdLevel level in Levels)
                    foreach (int threads in new[] { 1, 2 })
                    {
                        var y = (float[])initial.Clone();
                        HalfGemm.Multiply(new GemmOptions(threads, level, GemmStrategy.Auto), x, m, ldx, w,
                            withBias ? bias : default, y, ldy, accumulate);
                        string what = $"{level}, {threads} thread(s), bias {withBias}, accumulate {accumulate}";
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
                        if (level == Levels[^1])
                        {
                            if (threads == 1) single = y;
                            else Assert.Equal(single, y); // the split never changes a bit
                        }
                    }
            }
    }

    [Theory]
    [InlineData(1, 37, 19)]
    [InlineData(3, 130, 300)]
    [InlineData(4, 2541, 64)]
    [InlineData(2, 9, 16)]
    public unsafe void SplittingWithTheHelperThreadChangesNoBit(int m, int n, int k)
    {
        var random = new Random(n + k);
        var x = Filled(random, m * k);
        var w = new HalfMatrix(Filled(random, n * k), n, k);
        var bias = Filled(random, n);
        var single = new float[m * n];
        HalfGemm.Multiply(new GemmOptions(1, GemmSimd.Best, GemmStrategy.Auto), x, m, k, w, bias, single, n);
        for (int repeat = 0; repeat < 50; repeat++) // both a sleeping and a polling helper
        {
            var split = new float[m * n];
            fixed (float* px = x) fixed (float* pb = bias) fixed (float* py = split) fixed (ushort* pw = w.Bits)
            {
                var problem = new HalfGemmProblem(px, k, pw, n, k, pb, py, n, m, accumulate: false);
                Assert.True(HalfGemmHelperThread.TryRun(problem, GemmSimd.Best));
            }
            Assert.Equal(single, split);
            if (repeat % 10 == 0) Thread.Sleep(2);
        }
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
        Assert.Throws<ArgumentException>(() => HalfGemm.Multiply(new float[3], 1, 2, w, default, new float[2], 2));
        Assert.Throws<ArgumentException>(() => HalfGemm.Multiply(new float[2], 1, 3, w, default, new float[2], 2));
        Assert.Throws<ArgumentException>(() => HalfGemm.Multiply(new float[3], 1, 3, w, new float[3], new float[2], 2));
        Assert.Throws<ArgumentException>(() => HalfGemm.Multiply(new float[3], 1, 3, w, default, new float[1], 2));
    }

    private static float[] Filled(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = random.NextSingle() * 2 - 1;
        return values;
    }

    private static double[] Naive(float[] x, int m, int ldx, HalfMatrix w, float[]? bias, float[]? initial, int ldy)
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
