using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ImageCaptioning.Numerics;

/// <summary>
/// Per-thread scratch memory for packed panels. One pinned array per thread is kept and reused, so a
/// steady stream of multiplies allocates nothing; it only grows when a call needs more than before.
/// Rent/Return (rather than a bare thread-static) keeps it safe even if a thread re-enters GEMM.
/// </summary>
internal sealed unsafe class GemmWorkspace
{
    private const int AlignmentFloats = 16; // 64 bytes: one cache line, one zmm register.

    [ThreadStatic] private static GemmWorkspace? cached;

    private float[] buffer = [];
    private float* aligned;
    private int capacity;   // floats available from `aligned`
    private int used;       // floats handed out since Reset

    public static GemmWorkspace Rent()
    {
        GemmWorkspace workspace = cached ?? new GemmWorkspace();
        cached = null;
        return workspace;
    }

    public static void Return(GemmWorkspace workspace) => cached = workspace;

    /// <summary>Makes room for <paramref name="floats"/> in total (call before <see cref="Take"/>; invalidates earlier pointers).</summary>
    public void Reserve(long floats)
    {
        used = 0;
        if (floats <= capacity) return;
        if (floats > Array.MaxLength - AlignmentFloats)
            throw new ArgumentException($"GEMM scratch of {floats} floats is larger than an array can be.");
        aligned = AllocatePinnedAligned((int)floats, out buffer);
        capacity = (int)floats;
    }

    /// <summary>
    /// A pinned array with room for <paramref name="floats"/> from a 64-byte boundary, and that boundary. The array must be
    /// kept referenced (<paramref name="array"/>) for as long as the pointer is used.
    /// </summary>
    public static float* AllocatePinnedAligned(int floats, out float[] array)
    {
        array = GC.AllocateUninitializedArray<float>(checked(floats + AlignmentFloats), pinned: true);
        float* start = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        return (float*)(((nuint)start + 63) & ~(nuint)63);
    }

    /// <summary>Carves the next 64-byte aligned block of <paramref name="floats"/> out of the reserved space.</summary>
    public float* Take(int floats)
    {
        float* block = aligned + used;
        used += RoundUp(floats);
        if (used > capacity) throw new InvalidOperationException("GEMM workspace over-committed: Reserve was too small.");
        return block;
    }

    /// <summary>Space <see cref="Take"/> uses for a block of <paramref name="floats"/> (rounded to the alignment).</summary>
    public static int RoundUp(int floats) => (floats + AlignmentFloats - 1) & ~(AlignmentFloats - 1);
}
