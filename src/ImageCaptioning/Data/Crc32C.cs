using System.Numerics;
using System.Runtime.InteropServices;

namespace ImageCaptioning.Data;

/// <summary>
/// CRC-32C (Castagnoli), the feature cache's integrity check: eight bytes per CPU CRC32 instruction
/// (<see cref="BitOperations.Crc32C(uint, ulong)"/>, SSE4.2 / ARMv8), cheap enough to check every grid read.
/// </summary>
internal static class Crc32C
{
    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Start, data));

    /// <summary>The running state before any byte.</summary>
    public const uint Start = uint.MaxValue;

    /// <summary>Continues a running state over <paramref name="data"/>.</summary>
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        // Little-endian words feed the bytes in file order (the cache is only read on little-endian machines).
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (ulong word in words)
            state = BitOperations.Crc32C(state, word);
        foreach (byte tail in data[(words.Length * sizeof(ulong))..])
            state = BitOperations.Crc32C(state, tail);
        return state;
    }

    /// <summary>The checksum of a running state.</summary>
    public static uint Finish(uint state) => ~state;
}
