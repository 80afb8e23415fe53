namespace ImageCaptioning.Tests.Numerics;

/// <summary>The public API against a naive double-precision product: every transpose combination, odd sizes, padding, beta 0 and 1.</summary>
public class GemmCorrectnessTests
{
    /// <summary>m, n, k, padding of every leading dimension. Sizes straddle the kernel tiles (8, 32, 64) and the k slice (256).</summary>
    public static TheoryData<int, int, int, int> Shapes => new()
    {
        { 1, 1, 1, 0 },
        { 7, 7, 7, 3 },
        { 17, 17, 17, 0 },
        { 63, 64, 65, 5 },
        { 64, 64, 64, 0 },
        { 65, 63, 64, 1 },
        { 129, 129, 129, 0 },
        { 1, 513, 129, 2 },
        { 3, 129, 513, 0 },
        { 16, 65, 513, 7 },
        { 17, 513, 63, 0 },
        { 33, 7, 129, 4 },
        { 513, 65, 17, 0 },
        { 65, 513, 7, 3 },
        { 129, 17, 513, 0 },
        { 257, 300, 513, 1 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesTheNaiveProductForAllTransposes(int m, int n, int k, int padding)
    {
        foreach (bool transposeA in new[] { false, true })
            foreach (bool transposeB in new[] { false, true })
            {
                var test = new GemmTestCase(transposeA, transposeB, m, n, k, padding, seed: m * 1_000_003 + n * 1009 + k);
                test.AssertMatches(test.RunPublic(beta: 0f, fill: float.NaN), beta: 0f, "beta=0 over NaN");
                test.AssertMatches(test.RunPublic(beta: 1f), beta: 1f, "beta=1");
            }
    }

    [Fact]
    public void AnyOtherBetaScalesCBeforeAdding()
    {
        var test = new GemmTestCase(false, true, 9, 40, 33, padding: 2, seed: 7);
        test.AssertMatches(test.RunPublic(beta: 0.5f), beta: 0.5f, "beta=0.5");
        test.AssertMatches(test.RunPublic(beta: -2f), beta: -2f, "beta=-2");
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1f)]
    [InlineData(0.25f)]
    public void ZeroDepthGivesBetaTimesC(float beta)
    {
        var test = new GemmTestCase(false, false, 5, 6, 0, padding: 2, seed: 3);
        float[] c = test.RunPublic(beta, fill: beta == 0f ? float.NaN : null);
        test.AssertMatches(c, beta, $"k=0 beta={beta}");
        if (beta == 0f)
            for (int i = 0; i < test.M; i++)
                Assert.All(c.AsSpan(i * test.Ldc, test.N).ToArray(), value => Assert.Equal(0f, value));
    }

    [Theory]
    [InlineData(0, 5, 4)]
    [InlineData(4, 0, 5)]
    [InlineData(0, 0, 0)]
    public void EmptyOutputLeavesCUntouched(int m, int n, int k)
    {
        var test = new GemmTestCase(false, false, m, n, k, padding: 3, seed: 1);
        float[] c = test.RunPublic(beta: 0f);
        Assert.Equal(test.InitialC, c);
    }
}
