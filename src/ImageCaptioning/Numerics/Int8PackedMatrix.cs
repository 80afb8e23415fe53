using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ImageCaptioning.Numerics;

/// <summary>
/// W [n×k] quantised per output row as <see cref="Int8Matrix"/> does (s8, scale = max |w| / 127), laid out for AvxVnni's
/// u8×s8 dot products of four: panels of 8 outputs, [⌈n/8⌉][⌈k/4⌉][8 outputs][4 inputs], zero past n and k.
/// Each input row is quantised on its own to u8 with a zero point (x ≈ s·(q − z); z = 0 for a row of non-negative values
/// such as ReLU features, which an int8 encoder's outputs fit exactly), so an output depends only on its own row and W:
/// the same bits however the rows are batched or split between threads.
/// y[i, j] = ((float)(Σ_c q[i, c]·w[j, c] − z_i·Σ_c w[j, c]) · s_i) · scale_j, the integer sum exact; without AvxVnni a
/// scalar loop computes the same integers, hence the same bits. The approximation is the rounding of w (at most half a
/// step, 0.4 % of its row's largest weight) and of x (half of 1/255 of its row's range).
/// </summary>
internal sealed unsafe class Int8PackedMatrix : IPackedWeight
{
    private const int PanelWidth = 8;       // int32 lanes of a 256-bit vector
    private const int Group = 4;            // inputs summed per lane by one vpdpbusd
    private const int RowBlock = 4;         // input rows quantised and multiplied together
    private const int MinRowsPerThread = 64;

    private readonly sbyte[] _panels;       // [panels][groups][8][4], pinned
    private readonly float[] _scales;       // [panels × 8] each output's weight scale (0 past n), pinned
    private readonly int[] _weightSums;     // [panels × 8] Σ_c w[j, c] of the quantised row, for the zero point, pinned
    private readonly int _panelCount, _groups;

    public int OutputDim { get; }
    public int InputDim { get; }

    /// <summary>Whether this machine runs the vector kernel (otherwise the scalar loop, with the same results).</summary>
    public static bool IsAccelerated => AvxVnni.IsSupported && Vector256.IsHardwareAccelerated;

    /// <summary>Quantises and packs <paramref name="weight"/> [outputDim, inputDim] row-major.</summary>
    /// <exception cref="ArgumentException">The weight is shorter than outputDim × inputDim or holds a NaN or infinity.</exception>
    public Int8PackedMatrix(float[] weight, int outputDim, int inputDim)
    {
        GemmArguments.RequireWeight(weight, outputDim, inputDim);
        OutputDim = outputDim;
        InputDim = inputDim;
        _panelCount = (outputDim + PanelWidth - 1) / PanelWidth;
        _groups = (inputDim + Group - 1) / Group;
        var quantised = new Int8Matrix(weight.AsSpan(0, outputDim * inputDim), outputDim, inputDim);
        _panels = GC.AllocateArray<sbyte>(checked(_panelCount * _groups * PanelWidth * Group), pinned: true);
        _scales = GC.AllocateArray<float>(_panelCount * PanelWidth, pinned: true);
        _weightSums = GC.AllocateArray<int>(_panelCount * PanelWidth, pinned: true);
        for (int j = 0; j < outputDim; j++)
        {
            _scales[j] = quantised.Scales[j];
            int panel = j / PanelWidth, lane = j % PanelWidth, sum = 0;
            for (int c = 0; c < inputDim; c++)
            {
                sbyte w = quantised.Values[j * inputDim + c];
                _panels[((panel * _groups + c / Group) * PanelWidth + lane) * Group + c % Group] = w;
                sum += w;
            }
            _weightSums[j] = sum;
        }
    }

    /// <summary>The weight as this matrix multiplies by it: w[j, c] ≈ scale_j · value (tests compare against it).</summary>
    public float Dequantised(int output, int input) =>
        _scales[output] * _panels[((output / PanelWidth * _groups + input / Group) * PanelWidth + output % PanelWidth) * Group + input % Group];

    public void Multiply(ReadOnlySpan<float> x, int rows, int xStride, Span<float> y, int yStride, bool accumulate, int maxThreads) =>
        Multiply(x, rows, xStride, y, yStride, accumulate, maxThreads, IsAccelerated);

    /// <summary><see cref="Multiply(ReadOnlySpan{float}, int, int, Span{float}, int, bool, int)"/> with the kernel chosen (tests run the scalar one).</summary>
    internal void Multiply(ReadOnlySpan<float> x, int rows, int xStride, Span<float> y, int yStride, bool accumulate, int maxThreads, bool vector)
    {
        if (rows == 0) return;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        if (xStride < InputDim || x.Length < (long)(rows - 1) * xStride + InputDim)
            throw new ArgumentException($"expected {rows} rows of {InputDim} inputs, {xStride} apart", nameof(x));
        if (yStride < OutputDim || y.Length < (long)(rows - 1) * yStride + OutputDim)
            throw new ArgumentException($"expected room for {rows} rows of {OutputDim} outputs, {yStride} apart", nameof(y));
        vector &= IsAccelerated;
        int blocks = (rows + RowBlock - 1) / RowBlock;
        int threads = Math.Clamp(Math.Min(maxThreads, Environment.ProcessorCount), 1, Math.Max(1, rows / MinRowsPerThread));
        fixed (float* px = x) fixed (float* py = y)
        {
            if (threads == 1) MultiplyRows(px, xStride, py, yStride, 0, rows, accumulate, vector);
            else MultiplyInParallel((nint)px, xStride, (nint)py, yStride, rows, blocks, threads, accumulate, vector);
        }
    }

    /// <summary>
    /// The row blocks cut into one contiguous share per thread. A method of its own because the lambda's captures are
    /// allocated on entry to the method that declares them, which a single-threaded step must not pay.
    /// </summary>
    private void MultiplyInParallel(nint x, int xStride, nint y, int yStride, int rows, int blocks, int threads, bool accumulate, bool vector) =>
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>   // x, y stay pinned by the caller
        {
            int b0 = blocks * t / threads, b1 = blocks * (t + 1) / threads;
            MultiplyRows((float*)x, xStride, (float*)y, yStride, b0 * RowBlock, Math.Min(rows, b1 * RowBlock) - b0 * RowBlock, accumulate, vector);
        });

    /// <summary>
    /// Rows [first, first + count): quantises up to <see cref="RowChunk"/> of them at a time, then runs every block of 4
    /// of them over a tile of panels before the next tile, so a weight matrix larger than the cache is read once per
    /// chunk of rows rather than once per block. Each output is the same integer sum in any order of tiles and blocks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MultiplyRows(float* x, int xStride, float* y, int yStride, int first, int count, bool accumulate, bool vector)
    {
        int depth = _groups * Group;
        int tile = Math.Max(3, TileBytes / (_groups * PanelWidth * Group) / 3 * 3);               // panels per tile, a multiple of 3
        var buffer = t_quantised is { } held && held.Length >= RowChunk * depth ? held : (t_quantised = GC.AllocateArray<byte>(RowChunk * depth, pinned: true));
        float* s = stackalloc float[RowChunk];
        int* z = stackalloc int[RowChunk];
        Span<int> sums = stackalloc int[RowBlock * 3 * PanelWidth];                                 // [row][24] a kernel call's integer sums
        fixed (byte* quantised = buffer)
        fixed (sbyte* panels = _panels)
        fixed (int* acc = sums)
            for (int chunk = first; chunk < first + count; chunk += RowChunk)
            {
                int rows = Math.Min(RowChunk, first + count - chunk), blocks = (rows + RowBlock - 1) / RowBlock;
                for (int r = 0; r < blocks * RowBlock; r++)                                         // [blocks × 4][depth] u8, rows past the end all zero
                {
                    if (r < rows) (s[r], z[r]) = QuantiseRow(new ReadOnlySpan<float>(x + (long)(chunk + r) * xStride, InputDim), new Span<byte>(quantised + r * depth, depth), vector);
                    else { new Span<byte>(quantised + r * depth, depth).Clear(); s[r] = 0f; z[r] = 0; }
                }
                for (int p0 = 0; p0 < _panelCount; p0 += tile)
                    for (int b = 0; b < blocks; b++)
                    {
                        byte* q = quantised + b * RowBlock * depth;
                        int inBlock = Math.Min(RowBlock, rows - b * RowBlock);
                        float* outRow = y + (long)(chunk + b * RowBlock) * yStride;
                        int p = p0, p1 = Math.Min(_panelCount, p0 + tile);
                        if (vector)
                            for (; p + 3 <= p1; p += 3)
                            {
                                Kernel4x3(q, depth, panels + (long)p * _groups * PanelWidth * Group, acc);
                                Store(acc, 3, p, inBlock, s + b * RowBlock, z + b * RowBlock, outRow, yStride, accumulate);
                            }
                        for (; p < p1; p++)
                        {
                            if (vector) Kernel4x1(q, depth, panels + (long)p * _groups * PanelWidth * Group, acc);
                            else ScalarKernel(q, depth, panels + (long)p * _groups * PanelWidth * Group, acc);
                            Store(acc, 1, p, inBlock, s + b * RowBlock, z + b * RowBlock, outRow, yStride, accumulate);
                        }
                    }
            }
    }

    /// <summary>Input rows quantised together, then multiplied tile by tile (a multiple of <see cref="RowBlock"/>).</summary>
    private const int RowChunk = 64;

    /// <summary>Weight bytes per tile of panels: well inside a core's L2 beside a chunk of quantised rows.</summary>
    private const int TileBytes = 192 * 1024;

    [ThreadStatic] private static byte[]? t_quantised;      // this thread's chunk of quantised rows, kept: a step allocates nothing

    /// <summary>
    /// q = clamp(round(x / s) + z, 0, 255) with s = (hi − lo) / 255 over [lo, hi] = [min(0, min x), max(0, max x)] and
    /// z = round(−lo / s); the padding past k is 0. An all-zero row gives s = 0 (its outputs are 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static (float Scale, int ZeroPoint) QuantiseRow(ReadOnlySpan<float> row, Span<byte> q, bool vector)
    {
        float lo = MathF.Min(0f, TensorPrimitives.Min(row)), hi = MathF.Max(0f, TensorPrimitives.Max(row));
        if (!float.IsFinite(lo) || !float.IsFinite(hi))
            throw new ArgumentException("Only finite inputs can be quantised.", nameof(row));
        q[row.Length..].Clear();
        if (hi == lo) { q[..row.Length].Clear(); return (0f, 0); }
        float scale = (hi - lo) / 255f, inverse = 1f / scale;
        int zero = (int)MathF.Round(-lo * inverse);
        int c = 0;
        if (vector && Vector256.IsHardwareAccelerated)
        {
            var inv = Vector256.Create(inverse);
            var zp = Vector256.Create(zero);
            var min = Vector256<int>.Zero;
            var max = Vector256.Create(255);
            fixed (float* px = row)
            fixed (byte* pq = q)
                for (; c + 32 <= row.Length; c += 32)
                {
                    var a = Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(px + c) * inv)) + zp, min), max);
                    var b = Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(px + c + 8) * inv)) + zp, min), max);
                    var d = Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(px + c + 16) * inv)) + zp, min), max);
                    var e = Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(px + c + 24) * inv)) + zp, min), max);
                    Vector256.Narrow(Vector256.Narrow(a.AsUInt32(), b.AsUInt32()), Vector256.Narrow(d.AsUInt32(), e.AsUInt32())).Store(pq + c);
                }
        }
        for (; c < row.Length; c++)
            q[c] = (byte)Math.Clamp((int)MathF.Round(row[c] * inverse) + zero, 0, 255);
        return (scale, zero);
    }

    /// <summary>acc[r][0..24) = Σ_g q[r, 4g..4g+4] · (3 panels' weights): 4 rows × 24 outputs in 12 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Kernel4x3(byte* q, int depth, sbyte* w0, int* acc)
    {
        long panelBytes = (long)_groups * PanelWidth * Group;
        sbyte* w1 = w0 + panelBytes, w2 = w1 + panelBytes;
        byte* q0 = q, q1 = q + depth, q2 = q + 2 * depth, q3 = q + 3 * depth;
        Vector256<int> a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
        Vector256<int> a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
        for (int g = 0; g < _groups; g++)
        {
            int offset = g * PanelWidth * Group;
            var b0 = Vector256.Load(w0 + offset); var b1 = Vector256.Load(w1 + offset); var b2 = Vector256.Load(w2 + offset);
            var x = Vector256.Create(*(int*)(q0 + g * Group)).AsByte();
            a00 = AvxVnni.MultiplyWideningAndAdd(a00, x, b0); a01 = AvxVnni.MultiplyWideningAndAdd(a01, x, b1); a02 = AvxVnni.MultiplyWideningAndAdd(a02, x, b2);
            x = Vector256.Create(*(int*)(q1 + g * Group)).AsByte();
            a10 = AvxVnni.MultiplyWideningAndAdd(a10, x, b0); a11 = AvxVnni.MultiplyWideningAndAdd(a11, x, b1); a12 = AvxVnni.MultiplyWideningAndAdd(a12, x, b2);
            x = Vector256.Create(*(int*)(q2 + g * Group)).AsByte();
            a20 = AvxVnni.MultiplyWideningAndAdd(a20, x, b0); a21 = AvxVnni.MultiplyWideningAndAdd(a21, x, b1); a22 = AvxVnni.MultiplyWideningAndAdd(a22, x, b2);
            x = Vector256.Create(*(int*)(q3 + g * Group)).AsByte();
            a30 = AvxVnni.MultiplyWideningAndAdd(a30, x, b0); a31 = AvxVnni.MultiplyWideningAndAdd(a31, x, b1); a32 = AvxVnni.MultiplyWideningAndAdd(a32, x, b2);
        }
        a00.Store(acc); a01.Store(acc + 8); a02.Store(acc + 16);
        a10.Store(acc + 24); a11.Store(acc + 32); a12.Store(acc + 40);
        a20.Store(acc + 48); a21.Store(acc + 56); a22.Store(acc + 64);
        a30.Store(acc + 72); a31.Store(acc + 80); a32.Store(acc + 88);
    }

    /// <summary>acc[r][0..8) for one panel (the panels past a multiple of three).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Kernel4x1(byte* q, int depth, sbyte* w, int* acc)
    {
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default;
        for (int g = 0; g < _groups; g++)
        {
            var b = Vector256.Load(w + g * PanelWidth * Group);
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, Vector256.Create(*(int*)(q + g * Group)).AsByte(), b);
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, Vector256.Create(*(int*)(q + depth + g * Group)).AsByte(), b);
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, Vector256.Create(*(int*)(q + 2 * depth + g * Group)).AsByte(), b);
            a3 = AvxVnni.MultiplyWideningAndAdd(a3, Vector256.Create(*(int*)(q + 3 * depth + g * Group)).AsByte(), b);
        }
        a0.Store(acc); a1.Store(acc + 24); a2.Store(acc + 48); a3.Store(acc + 72);
    }

    /// <summary>The same integers as <see cref="Kernel4x1"/>, one product at a time.</summary>
    private void ScalarKernel(byte* q, int depth, sbyte* w, int* acc)
    {
        for (int r = 0; r < RowBlock; r++)
            for (int lane = 0; lane < PanelWidth; lane++)
            {
                int sum = 0;
                for (int g = 0; g < _groups; g++)
                    for (int i = 0; i < Group; i++)
                        sum += q[r * depth + g * Group + i] * w[(g * PanelWidth + lane) * Group + i];
                acc[r * 24 + lane] = sum;
            }
    }

    /// <summary>y[r, j] (+)= ((float)(acc − z_r·Σw_j) · s_r) · scale_j for the block's rows and <paramref name="panels"/> panels from <paramref name="first"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Store(int* acc, int panels, int first, int rows, float* s, int* z, float* y, int yStride, bool accumulate)
    {
        fixed (float* scales = _scales)
        fixed (int* weightSums = _weightSums)
            for (int r = 0; r < rows; r++)
            {
                int k = 0;
                if (Vector256.IsHardwareAccelerated)
                    for (; k + PanelWidth <= panels * PanelWidth && first * PanelWidth + k + PanelWidth <= OutputDim; k += PanelWidth)
                    {
                        int j = first * PanelWidth + k;
                        var sums = Vector256.Load(acc + r * 24 + k) - Vector256.Create(z[r]) * Vector256.Load(weightSums + j);
                        var value = Vector256.ConvertToSingle(sums) * Vector256.Create(s[r]) * Vector256.Load(scales + j);
                        float* to = y + (long)r * yStride + j;
                        (accumulate ? Vector256.Load(to) + value : value).Store(to);
                    }
                for (; k < panels * PanelWidth; k++)
                {
                    int j = first * PanelWidth + k;
                    if (j >= OutputDim) break;
                    float value = (float)(acc[r * 24 + k] - z[r] * weightSums[j]) * s[r] * scales[j];
                    float* to = y + (long)r * yStride + j;
                    *to = accumulate ? *to + value : value;
                }
            }
    }
}
