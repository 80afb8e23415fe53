using ImageCaptioning.Numerics;

namespace ImageCaptioning.Tests.Numerics;

/// <summary>
/// Every algorithm on every instruction set this CPU can run (the portable Vector&lt;T&gt; and scalar fallbacks
/// included), and the promise that the thread count never changes a single bit of the result.
/// </summary>
public class GemmKernelVariantTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 37, 19 },
        { 3, 70, 300 },
        { 5, 130, 17 },
        { 40, 70, 300 },
        { 65, 33, 257 },
        { 33, 129, 9 },
    };

    private static readonly GemmSimdLevel[] Levels =
        [.. Enum.GetValues<GemmSimdLevel>().Where(GemmSimd.IsSupported)];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryStrategyOnEverySupportedInstructionSetMatchesTheNaiveProduct(int m, int n, int k)
    {
        foreach (bool transposeA in new[] { false, true })
            foreach (bool transposeB in new[] { false, true })
            {
                var test = new GemmTestCase(transposeA, transposeB, m, n, k, padding: 3, seed: m + 31 * n + 977 * k);
                foreach (GemmSimdLevel level in Levels)
                    foreach (GemmStrategy strategy in new[] { GemmStrategy.Packed, GemmStrategy.Skinny })
                    {
                        var options = new GemmOptions(MaxThreads: 2, level, strategy);
                        test.AssertMatches(test.Run(options, beta: 0f, fill: float.NaN), 0f, $"{level}/{strategy} beta=0");
                        test.AssertMatches(test.Run(options, beta: 1f), 1f, $"{level}/{strategy} beta=1");
                    }
            }
    }

    [Fact]
    public void FallbackKernelsAgreeWithTheAvx512Kernels()
    {
        if (!GemmSimd.IsSupported(GemmSimdLevel.Vector512))
            Assert.Skip("This CPU has no AVX-512; the fallback kernels are the ones every other test already runs.");
        foreach (bool transposeB in new[] { false, true })
        {
            var test = new GemmTestCase(false, transposeB, 70, 90, 300, padding: 1, seed: 11);
            foreach (GemmStrategy strategy in new[] { GemmStrategy.Packed, GemmStrategy.Skinny })
            {
                float[] avx512 = test.Run(new GemmOptions(1, GemmSimdLevel.Vector512, strategy), 0f);
                foreach (GemmSimdLevel fallback in new[] { GemmSimdLevel.Vector, GemmSimdLevel.Scalar }.Where(GemmSimd.IsSupported))
                {
                    float[] other = test.Run(new GemmOptions(1, fallback, strategy), 0f);
                    for (int i = 0; i < other.Length; i++)
                        Assert.True(Math.Abs(other[i] - avx512[i]) <= 1e-4f * (1 + Math.Abs(avx512[i])),
                            $"{fallback}/{strategy} differs from Vector512 at {i}: {other[i]} vs {avx512[i]}");
                }
            }
        }
    }

    /// <summary>Shapes big enough that 2 and 3 threads really split them (each thread gets ≥ 1 M flops).</summary>
    [Theory]
    [InlineData(203, 150, 300, false, false)]  // packed, rows split into odd and even shares, two k slices
    [InlineData(24, 700, 300, false, true)]    // skinny dot, columns split
    [InlineData(9, 900, 257, true, false)]     // skinny row stream, columns split
    [InlineData(70, 1000, 40, true, true)]     // packed, columns split
    public void ThreadCountDoesNotChangeAnyBit(int m, int n, int k, bool transposeA, bool transposeB)
    {
        var test = new GemmTestCase(transposeA, transposeB, m, n, k, padding: 2, seed: 5);
        foreach (GemmSimdLevel level in Levels)
        {
            float[] single = test.Run(new GemmOptions(1, level, GemmStrategy.Auto), 1f);
            foreach (int threads in new[] { 2, 3 })
            {
                float[] multi = test.Run(new GemmOptions(threads, level, GemmStrategy.Auto), 1f);
                for (int i = 0; i < single.Length; i++)
                    Assert.True(BitConverter.SingleToInt32Bits(single[i]) == BitConverter.SingleToInt32Bits(multi[i]),
                        $"{level}, {threads} threads: element {i} is {multi[i]}, 1 thread gave {single[i]}.");
            }
        }
    }
}
