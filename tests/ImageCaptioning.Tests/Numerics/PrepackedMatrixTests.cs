using ImageCaptioning.Numerics;

namespace ImageCaptioning.Tests.Numerics;

/// <summary>
/// A weight packed once must give the very bits of multiplying by the weight itself: on every instruction set, for shapes
/// with ragged panels and several k slices, on any thread count (column shares start mid-matrix), and when added into C.
/// </summary>
public class PrepackedMatrixTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 40, 70, 300 },      // 2 k slices, a ragged last panel
        { 96, 2048, 1280 },   // a beam-3 batch of 32 through the LSTM gates: 5 k slices, 2 column blocks
        { 33, 1100, 9 },      // one shallow slice, columns past one NC block
        { 64, 31, 257 },      // fewer columns than one AVX-512 panel
    };

    private static readonly GemmSimdLevel[] Levels = [.. Enum.GetValues<GemmSimdLevel>().Where(GemmSimd.IsSupported)];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void APrepackedWeightGivesTheBitsOfTheWeightItself(int m, int n, int k)
    {
        var test = new GemmTestCase(false, true, m, n, k, padding: 0, seed: m + 7 * n + 131 * k);
        foreach (GemmSimdLevel level in Levels)
        {
            var packed = new PrepackedMatrix(test.B, n, k, GemmPlan.PackedPanelWidth(level));
            foreach (int threads in new[] { 1, 2, 3 })
                foreach (float beta in new[] { 0f, 1f })
                {
                    var options = new GemmOptions(threads, level, GemmStrategy.Packed);
                    float[] expected = test.Run(options, beta);
                    float[] actual = RunPacked(test, packed, options, beta);
                    Assert.True(expected.AsSpan().SequenceEqual(actual), $"{level}, {threads} threads, beta {beta}: not bit-identical");
                }
        }
    }

    [Fact]
    public void PanelsForAnotherKernelAreIgnoredNotMisread()
    {
        // Packed for AVX-512's 32-wide panels but run on the portable kernel: it must pack B itself and still be right.
        var level = Levels.First(l => GemmPlan.PackedPanelWidth(l) != GemmPlan.PackedPanelWidth(GemmSimd.Best));
        var test = new GemmTestCase(false, true, 50, 90, 70, padding: 0, seed: 5);
        var packed = new PrepackedMatrix(test.B, 90, 70);
        var options = new GemmOptions(1, level, GemmStrategy.Packed);
        float[] actual = RunPacked(test, packed, options, 0f);
        Assert.True(test.Run(options, 0f).AsSpan().SequenceEqual(actual));
    }

    [Fact]
    public void SkinnyProductsReadTheWeightItself()
    {
        // A handful of rows never packs: the prepacked copy is then unused and the result is the skinny path's.
        var test = new GemmTestCase(false, true, 3, 200, 130, padding: 0, seed: 9);
        var packed = new PrepackedMatrix(test.B, 200, 130);
        var options = Gemm.DefaultOptions();
        float[] actual = RunPacked(test, packed, options, 0f);
        Assert.True(test.Run(options, 0f).AsSpan().SequenceEqual(actual));
    }

    [Fact]
    public void PackedProductsReadThePanelsTakenWhenPacking()
    {
        // Proves the panels are what a packed product reads (a test that passes with them unused proves nothing): the
        // weight changed after packing shows in the skinny product but not in the packed one.
        var test = new GemmTestCase(false, true, 64, 100, 90, padding: 0, seed: 13);
        var packed = new PrepackedMatrix(test.B, 100, 90);
        float[] before = test.Run(Gemm.DefaultOptions(), 0f);
        Array.Fill(test.B, 0f);
        float[] packedAfter = RunPacked(test, packed, Gemm.DefaultOptions(), 0f);
        Assert.True(before.AsSpan().SequenceEqual(packedAfter));
        float[] skinnyAfter = RunPacked(test, packed, Gemm.DefaultOptions(), 0f, rows: 3);
        Assert.All(skinnyAfter.Take(3 * test.Ldc), value => Assert.Equal(0f, value));
    }

    [Fact]
    public void AWeightShorterThanItsShapeIsRefused() =>
        Assert.Throws<ArgumentException>(() => new PrepackedMatrix(new float[10], 4, 3));

    /// <summary>C of <paramref name="test"/> (its first <paramref name="rows"/> rows, default all) by the packed weight.</summary>
    private static float[] RunPacked(GemmTestCase test, PrepackedMatrix packed, GemmOptions options, float beta, int? rows = null)
    {
        float[] c = test.NewC();
        Gemm.Multiply(options, rows ?? test.M, test.A, test.Lda, packed, c, test.Ldc, beta);
        return c;
    }
}
