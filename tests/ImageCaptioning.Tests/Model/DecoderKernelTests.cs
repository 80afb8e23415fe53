using ImageCaptioning.Model;

namespace ImageCaptioning.Tests.Model;

/// <summary>The vectorised forward kernels against naive double-precision references, on vector-sized and odd widths.</summary>
public sealed class DecoderKernelTests
{
    [Theory]
    [InlineData(512)]   // the shipped decoder's D: 8 blocks of 64
    [InlineData(48)]    // only the 16-wide tail
    [InlineData(80)]    // a block of 64 and a tail
    public void AnImagesRowsSummedTogetherGiveTheBitsOfOneRowAtATime(int dim)
    {
        // Rows 0–2 of image 1, 3–4 of image 0, 5 of image 2, 6–10 of image 1 (a group of 4, then one of 1).
        int[] imageOfRow = [1, 1, 1, 0, 0, 2, 1, 1, 1, 1, 1];
        const int Positions = 29, Images = 3;
        int rows = imageOfRow.Length;
        var random = new Random(dim);
        var alpha = new float[rows * Positions];
        var v = new float[Images * Positions * dim];
        for (int i = 0; i < alpha.Length; i++) alpha[i] = (float)random.NextDouble();
        for (int i = 0; i < v.Length; i++) v[i] = (float)(random.NextDouble() * 2 - 1);
        var together = new float[rows * dim];
        DecoderKernels.WeightedSum(alpha, v, rows, Positions, dim, imageOfRow, together);
        for (int r = 0; r < rows; r++)
        {
            var alone = new float[dim];
            DecoderKernels.WeightedSum(alpha.AsSpan(r * Positions, Positions), v, 1, Positions, dim, imageOfRow.AsSpan(r, 1), alone);
            Assert.True(alone.AsSpan().SequenceEqual(together.AsSpan(r * dim, dim)), $"row {r} differs");
            double expected = 0;   // and the sum is the right one, not merely the same one
            for (int i = 0; i < Positions; i++) expected += alpha[r * Positions + i] * v[(imageOfRow[r] * Positions + i) * dim + dim - 1];
            Assert.Equal(expected, alone[dim - 1], 4);
        }
    }

    [Theory]
    [InlineData(1, 3, 5)]
    [InlineData(2, 7, 16)]
    [InlineData(3, 4, 17)]
    [InlineData(2, 49, 37)]
    [InlineData(3, 49, 256)]
    public void AttentionScoresMatchTheNaiveFormula(int rows, int positions, int attDim)
    {
        var random = new Random(rows * 100 + attDim);
        int images = 2;
        var attF = Filled(random, images * positions * attDim, 3f);
        var attH = Filled(random, rows * attDim, 3f);
        var w = Filled(random, attDim, 1f);
        int[] imageOfRow = [.. Enumerable.Range(0, rows).Select(r => (r + 1) % images)];
        var scores = new float[rows * positions];
        var tanh = new float[rows * positions * attDim];
        DecoderKernels.AttentionScores(attF, attH, w, rows, positions, attDim, imageOfRow, scores, tanh);
        var plain = new float[rows * positions];
        DecoderKernels.AttentionScores(attF, attH, w, rows, positions, attDim, imageOfRow, plain);
        Assert.Equal(scores, plain); // keeping the tanh values changes nothing

        for (int r = 0; r < rows; r++)
            for (int i = 0; i < positions; i++)
            {
                double expected = 0;
                for (int a = 0; a < attDim; a++)
                {
                    double t = Math.Tanh(attF[(imageOfRow[r] * positions + i) * attDim + a] + attH[r * attDim + a]);
                    Assert.True(Math.Abs(tanh[(r * positions + i) * attDim + a] - t) <= 3e-7, $"tanh [{r}, {i}, {a}]");
                    expected += w[a] * t;
                }
                Assert.True(Math.Abs(scores[r * positions + i] - expected) <= 1e-5 * (1 + Math.Abs(expected)),
                    $"score [{r}, {i}] = {scores[r * positions + i]}, expected {expected}");
            }
    }

    [Fact]
    public void AttentionTanhSaturatesAndKeepsTinyValues()
    {
        float[] inputs = [-1000f, -9.5f, -1e-6f, 0f, 1e-6f, 1e-3f, 0.5f, 8.9f, 50f, 1000f, -0.25f, 2f, -3f, 4f, -5f, 6f];
        var tanh = new float[inputs.Length];
        var scores = new float[1];
        var w = new float[inputs.Length];
        DecoderKernels.AttentionScores(inputs, new float[inputs.Length], w, 1, 1, inputs.Length, default, scores, tanh);
        for (int i = 0; i < inputs.Length; i++)
            Assert.True(Math.Abs(tanh[i] - Math.Tanh(inputs[i])) <= 3e-7, $"tanh({inputs[i]}) = {tanh[i]}");
    }

    [Fact]
    public void AttentionTanhIsWithin3e7OfTheExactOneEverywhere()
    {
        // 400 000 points over [-10, 10], 16 per vector: the rational approximation's worst error is near |x| = 4.
        const int N = 400_000;
        var inputs = new float[N];
        for (int i = 0; i < N; i++) inputs[i] = -10f + 20f * i / N;
        var tanh = new float[N];
        DecoderKernels.AttentionScores(inputs, new float[N], new float[N], 1, 1, N, default, new float[1], tanh);
        double worst = 0;
        for (int i = 0; i < N; i++) worst = Math.Max(worst, Math.Abs(tanh[i] - Math.Tanh(inputs[i])));
        Assert.True(worst <= 3e-7, $"worst error {worst:E2}");
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(3, 2541)]
    [InlineData(2, 17)]
    public void LogSoftmaxMatchesTheNaiveFormulaInPlace(int rows, int cols)
    {
        var random = new Random(cols);
        var x = Filled(random, rows * cols, 20f);
        var expected = new double[x.Length];
        for (int r = 0; r < rows; r++)
        {
            double max = x.Skip(r * cols).Take(cols).Max();
            double logZ = max + Math.Log(x.Skip(r * cols).Take(cols).Sum(v => Math.Exp(v - max)));
            for (int j = 0; j < cols; j++) expected[r * cols + j] = x[r * cols + j] - logZ;
        }
        DecoderKernels.LogSoftmaxRows(x, x, rows, cols);
        for (int i = 0; i < x.Length; i++)
            Assert.True(Math.Abs(x[i] - expected[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"[{i}] = {x[i]}, expected {expected[i]}");
    }

    private static float[] Filled(Random random, int count, float scale)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (random.NextSingle() * 2 - 1) * scale;
        return values;
    }
}
