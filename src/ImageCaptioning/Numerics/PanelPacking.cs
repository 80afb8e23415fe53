using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ImageCaptioning.Numerics;

/// <summary>
/// Copies a strip of a matrix into a "panel": kc rows of exactly <c>width</c> floats, k-major
/// (panel[p·width + j]), zero-padded past the <c>valid</c> columns, so a micro-kernel can read it with
/// aligned, unit-stride vector loads and never needs a bounds check. Whether the source must be transposed
/// depends on the operand and its transpose flag; both variants produce the same layout.
/// </summary>
internal static unsafe class PanelPacking
{
    /// <summary>panel[p·width + j] = source[p·stride + j] (the source is already k-major, e.g. B not transposed).</summary>
    public static void PackKMajor(float* source, nint stride, int kc, int valid, int width, float* panel)
    {
        for (int p = 0; p < kc; p++)
        {
            float* from = source + p * stride;
            float* to = panel + (nint)p * width;
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
                for (; j + 8 <= valid; j += 8)
                    Vector256.Store(Vector256.Load(from + j), to + j);
            for (; j < valid; j++) to[j] = from[j];
            for (; j < width; j++) to[j] = 0f;
        }
    }

    /// <summary>
    /// panel[p·width + j] = source[j·stride + p]: the source rows are the panel's columns (A not transposed,
    /// or B transposed). With AVX, 8×8 blocks are transposed in registers; the ragged edges are copied one by one.
    /// </summary>
    public static void PackTransposed(float* source, nint stride, int kc, int valid, int width, float* panel, bool allowAvx)
    {
        int j = 0;
        if (allowAvx && Avx.IsSupported)
        {
            int kc8 = kc & ~7;
            for (; j + 8 <= valid; j += 8)
            {
                float* from = source + j * stride;
                for (int p = 0; p < kc8; p += 8)
                    Transpose8x8(from + p, stride, panel + (nint)p * width + j, width);
                for (int p = kc8; p < kc; p++)
                    for (int jj = 0; jj < 8; jj++)
                        panel[(nint)p * width + j + jj] = from[jj * stride + p];
            }
        }
        for (; j < valid; j++)
        {
            float* from = source + j * stride;
            for (int p = 0; p < kc; p++) panel[(nint)p * width + j] = from[p];
        }
        if (valid < width)
            for (int p = 0; p < kc; p++)
                new Span<float>(panel + (nint)p * width + valid, width - valid).Clear();
    }

    /// <summary>to[c·toStride + r] = from[r·fromStride + c] for an 8×8 block (the classic unpack/shuffle/permute sequence).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* from, nint fromStride, float* to, nint toStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(from), r1 = Avx.LoadVector256(from + fromStride);
        Vector256<float> r2 = Avx.LoadVector256(from + 2 * fromStride), r3 = Avx.LoadVector256(from + 3 * fromStride);
        Vector256<float> r4 = Avx.LoadVector256(from + 4 * fromStride), r5 = Avx.LoadVector256(from + 5 * fromStride);
        Vector256<float> r6 = Avx.LoadVector256(from + 6 * fromStride), r7 = Avx.LoadVector256(from + 7 * fromStride);

        // Interleave pairs of rows: t0 = r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5], ...
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        // Gather 4-row columns within each 128-bit lane.
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        // Join the low lanes (columns 0-3) and high lanes (columns 4-7) of rows 0-3 and 4-7.
        Avx.Store(to, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(to + toStride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(to + 2 * toStride, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(to + 3 * toStride, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(to + 4 * toStride, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(to + 5 * toStride, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(to + 6 * toStride, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(to + 7 * toStride, Avx.Permute2x128(s3, s7, 0x31));
    }
}
