namespace ImageCaptioning.Training;

/// <summary>
/// Derives RNG seeds from (seed, counter) identically in every process. (<see cref="HashCode.Combine{T1,T2}"/>
/// is randomised per process, so it cannot be used where a run must be reproducible or resumable.)
/// </summary>
public static class StableSeed
{
    /// <summary>SplitMix64 finaliser of the pair, folded to a non-negative int.</summary>
    public static int Derive(int seed, long counter)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)counter + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }
}
