using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ImageCaptioning.Numerics;

/// <summary>
/// Copies a block of a matrix into consecutive "panels": each is kc rows of exactly <c>width</c> floats,
/// k-major (panel[p·width + j]), zero-padded past the valid columns, so a micro-kernel reads it with aligned,
/// unit-stride vector loads and never needs a bounds check. Whether the source must be transposed depends
/// on the operand and its transpose flag; both variants produce the same layout.
/// </summary>
internal static unsafe class PanelPacking
{
    /// <summary>Panels packed together in the k-major copy: their rows are read as one contiguous run per k step.</summary>
    private const int PanelsPerPass = 4;
    /// <summary>k steps transposed per pass over a panel's 8-row groups (keeps the source lines of all groups in L1).</summary>
    private const int TransposeDepth = 64;

    /// <summary>
    /// Packs a k-major block (B not transposed, or A transposed): panel q holds columns [q·width, q·width+width) and
    /// panel[q][p·width + j] = source[p·stride + q·width + j], zero past <paramref name="columns"/>.
    /// The source is read row by row across a few panels at once: walking one panel down its rows would jump a
    /// full row stride every 128 bytes, which defeats the prefetcher.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackKMajor(float* source, nint stride, int kc, int columns, int width, float* packed)
    {
        int panels = (columns + width - 1) / width;
        for (int first = 0; first < panels; first += PanelsPerPass)
        {
            int last = Math.Min(panels, first + PanelsPerPass);
            for (int p = 0; p < kc; p++)
            {
                float* row = source + p * stride;
                for (int q = first; q < last; q++)
                {
                    int valid = Math.Min(width, columns - q * width);
                    CopyRow(row + q * width, packed + ((nint)q * kc + p) * width, valid, width);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(float* from, float* to, int valid, int width)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; j + 8 <= valid; j += 8)
                Vector256.Store(Vector256.Load(from + j), to + j);
        for (; j < valid; j++) to[j] = from[j];
        for (; j < width; j++) to[j] = 0f;
    }

    /// <summary>
    /// Packs a block whose source rows are the panels' columns (A not transposed, or B transposed):
    /// panel[q][p·width + j] = source[(q·width + j)·stride + p], zero past <paramref name="rows"/>.
    /// With AVX each 8×8 block is transposed in registers; a panel is filled TransposeDepth k steps at a time
    /// across all its 8-row groups, so every cache line of the panel is completed while it is still in L1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackTransposed(float* source, nint stride, int kc, int rows, int width, float* packed, bool allowAvx)
    {
        bool avx = allowAvx && Avx.IsSupported;
        int kc8 = kc & ~7;
        for (int q = 0; q * width < rows; q++)
        {
            float* from = source + (nint)q * width * stride;
            float* panel = packed + (nint)q * kc * width;
            int valid = Math.Min(width, rows - q * width);
            int groups = avx ? valid / 8 : 0;
            for (int p0 = 0; p0 < kc8 && groups > 0; p0 += TransposeDepth)
            {
                int p1 = Math.Min(kc8, p0 + TransposeDepth);
                for (int g = 0; g < groups; g++)
                    for (int p = p0; p < p1; p += 8)
                        Transpose8x8(from + 8 * g * stride + p, stride, panel + (nint)p * width + 8 * g, width);
            }
            // Whatever the 8×8 blocks did not cover: the k tail of the grouped rows, then the ungrouped rows.
            int grouped = groups * 8;
            for (int j = 0; j < grouped; j++)
                for (int p = kc8; p < kc; p++) panel[(nint)p * width + j] = from[j * stride + p];
            for (int j = grouped; j < valid; j++)
                for (int p = 0; p < kc; p++) panel[(nint)p * width + j] = from[j * stride + p];
            if (valid < width)
                for (int p = 0; p < kc; p++)
                    new Span<float>(panel + (nint)p * width + valid, width - valid).Clear();
        }
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
