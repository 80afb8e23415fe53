using System.Runtime.CompilerServices;

namespace ImageCaptioning.Numerics;

/// <summary>
/// A register-blocked inner kernel of the packed GEMM: computes one MR×NR tile of C from an A panel
/// (kc×MR, k-major: a[p·MR + r]) and a B panel (kc×NR: b[p·NR + j]). Every element is an FMA chain over
/// p = 0…kc-1 starting from zero, then either stored or added to C; edge tiles run the same code into a
/// scratch tile, so every C element sees the same arithmetic whatever the tiling or thread count.
/// </summary>
internal unsafe interface IPackedMicroKernel
{
    static abstract int MR { get; }
    static abstract int NR { get; }
    /// <summary>C[MR×NR] (row stride ldc) = (accumulate ? C : 0) + Σ_p a[p, :]ᵀ·b[p, :].</summary>
    static abstract void Run(float* a, float* b, int kc, float* c, nint ldc, bool accumulate);
}

internal static unsafe class MicroKernelStore
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Row2<TOps, TVec>(float* c, TVec v0, TVec v1, bool accumulate)
        where TOps : struct, IFloatVectorOps<TVec> where TVec : struct
    {
        float* c1 = c + TOps.Count;
        if (accumulate)
        {
            v0 = TOps.Add(TOps.Load(c), v0);
            v1 = TOps.Add(TOps.Load(c1), v1);
        }
        TOps.Store(c, v0);
        TOps.Store(c1, v1);
    }
}

/// <summary>
/// <typeparamref name="TRows"/> rows × 2 vectors: 8×32 with AVX-512 (16 accumulators + 2 B vectors + 1 broadcast fit the
/// 32 zmm registers), 6×16 with AVX2 (12 accumulators + 3 temporaries fit the 16 ymm registers without spilling).
/// </summary>
internal readonly unsafe struct Kernel2V<TOps, TVec, TRows> : IPackedMicroKernel
    where TOps : struct, IFloatVectorOps<TVec>
    where TVec : struct
    where TRows : struct, IKernelRows
{
    public static int MR => TRows.Count;
    public static int NR => 2 * TOps.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* a, float* b, int kc, float* c, nint ldc, bool accumulate)
    {
        // Accumulator cRj = row R of the tile, vector j (columns j·W … j·W+W-1).
        TVec c00 = TOps.Zero, c01 = TOps.Zero;
        TVec c10 = TOps.Zero, c11 = TOps.Zero;
        TVec c20 = TOps.Zero, c21 = TOps.Zero;
        TVec c30 = TOps.Zero, c31 = TOps.Zero;
        TVec c40 = TOps.Zero, c41 = TOps.Zero;
        TVec c50 = TOps.Zero, c51 = TOps.Zero;
        TVec c60 = TOps.Zero, c61 = TOps.Zero;
        TVec c70 = TOps.Zero, c71 = TOps.Zero;
        int w = TOps.Count;
        for (int p = 0; p < kc; p++)
        {
            TVec b0 = TOps.Load(b), b1 = TOps.Load(b + w);
            TVec x;
            x = TOps.Broadcast(a[0]); c00 = TOps.MultiplyAdd(x, b0, c00); c01 = TOps.MultiplyAdd(x, b1, c01);
            x = TOps.Broadcast(a[1]); c10 = TOps.MultiplyAdd(x, b0, c10); c11 = TOps.MultiplyAdd(x, b1, c11);
            x = TOps.Broadcast(a[2]); c20 = TOps.MultiplyAdd(x, b0, c20); c21 = TOps.MultiplyAdd(x, b1, c21);
            x = TOps.Broadcast(a[3]); c30 = TOps.MultiplyAdd(x, b0, c30); c31 = TOps.MultiplyAdd(x, b1, c31);
            x = TOps.Broadcast(a[4]); c40 = TOps.MultiplyAdd(x, b0, c40); c41 = TOps.MultiplyAdd(x, b1, c41);
            x = TOps.Broadcast(a[5]); c50 = TOps.MultiplyAdd(x, b0, c50); c51 = TOps.MultiplyAdd(x, b1, c51);
            if (TRows.Count == 8)
            {
                x = TOps.Broadcast(a[6]); c60 = TOps.MultiplyAdd(x, b0, c60); c61 = TOps.MultiplyAdd(x, b1, c61);
                x = TOps.Broadcast(a[7]); c70 = TOps.MultiplyAdd(x, b0, c70); c71 = TOps.MultiplyAdd(x, b1, c71);
            }
            a += TRows.Count;
            b += 2 * w;
        }
        MicroKernelStore.Row2<TOps, TVec>(c + 0 * ldc, c00, c01, accumulate);
        MicroKernelStore.Row2<TOps, TVec>(c + 1 * ldc, c10, c11, accumulate);
        MicroKernelStore.Row2<TOps, TVec>(c + 2 * ldc, c20, c21, accumulate);
        MicroKernelStore.Row2<TOps, TVec>(c + 3 * ldc, c30, c31, accumulate);
        MicroKernelStore.Row2<TOps, TVec>(c + 4 * ldc, c40, c41, accumulate);
        MicroKernelStore.Row2<TOps, TVec>(c + 5 * ldc, c50, c51, accumulate);
        if (TRows.Count == 8)
        {
            MicroKernelStore.Row2<TOps, TVec>(c + 6 * ldc, c60, c61, accumulate);
            MicroKernelStore.Row2<TOps, TVec>(c + 7 * ldc, c70, c71, accumulate);
        }
    }
}

/// <summary>A micro-kernel's row count (6 or 8) as a type argument, so the JIT compiles each kernel without the tests.</summary>
internal interface IKernelRows { static abstract int Count { get; } }
internal readonly struct EightRows : IKernelRows { public static int Count => 8; }
internal readonly struct SixRows : IKernelRows { public static int Count => 6; }
