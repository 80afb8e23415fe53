using System.Numerics;
using System.Runtime.Intrinsics;

namespace ImageCaptioning.Numerics;

/// <summary>Which instruction set the GEMM kernels are instantiated for.</summary>
internal enum GemmSimdLevel
{
    /// <summary>Plain scalar code: the last resort when the CPU has no usable SIMD.</summary>
    Scalar,
    /// <summary><see cref="Vector{T}"/>: 256-bit on AVX2 machines, 128-bit on ARM NEON.</summary>
    Vector,
    /// <summary><see cref="Vector512{T}"/>: AVX-512 (32 registers, 16 floats per register).</summary>
    Vector512,
}

internal static class GemmSimd
{
    /// <summary>The fastest level this CPU runs natively.</summary>
    public static GemmSimdLevel Best { get; } =
        Vector512.IsHardwareAccelerated ? GemmSimdLevel.Vector512
        : Vector.IsHardwareAccelerated ? GemmSimdLevel.Vector
        : GemmSimdLevel.Scalar;

    /// <summary>True when <paramref name="level"/> can run here (tests force slower levels to check them).</summary>
    public static bool IsSupported(GemmSimdLevel level) => level switch
    {
        GemmSimdLevel.Scalar => true,
        GemmSimdLevel.Vector => Vector.IsHardwareAccelerated,
        GemmSimdLevel.Vector512 => Vector512.IsHardwareAccelerated,
        _ => false,
    };
}
