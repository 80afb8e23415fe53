using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ImageCaptioning.Cli.Commands.Caption;

/// <summary>
/// `--shard i/n`: shard <see cref="Index"/> (0-based, as Kubernetes' JOB_COMPLETION_INDEX) of <see cref="Count"/>.
/// A file belongs to the shard its path's SHA-256 picks, so the partition depends on nothing but the path — not on
/// the order of the inputs or on which other files exist — and n shards run with the same inputs cover every file once.
/// </summary>
internal sealed record Shard(int Index, int Count)
{
    /// <summary>Parses "i/n" with 0 ≤ i &lt; n; null and a reason when it is not that.</summary>
    public static (Shard? Shard, string? Error) Parse(string text)
    {
        string[] parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out int index) && int.TryParse(parts[1], out int count)
            && count >= 1 && index >= 0 && index < count)
            return (new Shard(index, count), null);
        return (null, $"--shard must be i/n with 0 ≤ i < n (e.g. 0/4 … 3/4), not '{text}'.");
    }

    public bool Contains(string file) => Of(file, Count) == Index;

    /// <summary>The shard of <paramref name="file"/> among <paramref name="count"/> (the path with '/' separators, hashed).</summary>
    public static int Of(string file, int count)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(file.Replace('\\', '/')), hash);
        return (int)(BinaryPrimitives.ReadUInt64LittleEndian(hash) % (ulong)count);
    }

    public override string ToString() => $"{Index}/{Count}";
}
