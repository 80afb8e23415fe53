using ImageCaptioning.Numerics;

namespace ImageCaptioning.Tests.Numerics;

/// <summary>Bad arguments are refused with a message that names the matrix and the numbers, before anything is touched.</summary>
public class GemmArgumentTests
{
    [Fact]
    public void ShortSpansAreRefusedNamingTheMatrix()
    {
        var a = new float[4 * 5];
        var b = new float[5 * 6];
        var c = new float[4 * 6];
        var ex = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 4, 6, 5, a.AsSpan(1), 5, b, 6, c, 6));
        Assert.Contains("A is 4×5", ex.Message);
        Assert.Equal("a", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, true, 4, 6, 5, a, 5, b.AsSpan(0, 29), 5, c, 6));
        Assert.Contains("B is 6×5", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 4, 6, 5, a, 5, b, 6, c.AsSpan(0, 23), 6));
        Assert.Contains("C is 4×6", ex.Message);
        Assert.All(c, value => Assert.Equal(0f, value));
    }

    [Fact]
    public void LeadingDimensionsNarrowerThanTheStoredRowAreRefused()
    {
        var data = new float[100];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, 3, 4, 5, data, 4, data, 4, new float[12], 4));
        Assert.Equal("lda", ex.ParamName);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(true, false, 3, 4, 5, data, 2, data, 4, new float[12], 4));
        Assert.Equal("lda", ex.ParamName);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, true, 3, 4, 5, data, 5, data, 4, new float[12], 4));
        Assert.Equal("ldb", ex.ParamName);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, 3, 4, 5, data, 5, data, 4, new float[12], 3));
        Assert.Equal("ldc", ex.ParamName);
    }

    [Fact]
    public void NegativeSizesAreRefused()
    {
        var data = new float[16];
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, -1, 2, 2, data, 2, data, 2, data, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, 2, 2, -3, data, 2, data, 2, data, 2));
    }

    [Fact]
    public unsafe void NullPointersForNonEmptyMatricesAreRefused()
    {
        var data = new float[16];
        fixed (float* p = data)
        {
            float* pointer = p;
            Assert.Throws<ArgumentNullException>(() => Gemm.Multiply(false, false, 2, 2, 2, null, 2, pointer, 2, pointer, 2));
            Assert.Throws<ArgumentNullException>(() => Gemm.Multiply(false, false, 2, 2, 2, pointer, 2, pointer, 2, null, 2));
        }
    }

    [Fact]
    public void MaxThreadsBelowOneIsRefusedAndKeepsTheOldValue()
    {
        int before = Gemm.MaxThreads;
        Assert.True(before >= 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MaxThreads = 0);
        Assert.Equal(before, Gemm.MaxThreads);
    }
}
