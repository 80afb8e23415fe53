using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ImageCaptioning.ModelFiles;

/// <summary>
/// SHA-256 of files on disk, remembered per (path, size, last write time) so that resolving the
/// same verified file again in one process does not re-read it.
/// </summary>
internal static class FileHashes
{
    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime WrittenUtc), string> Known = new();

    public static async Task<string> Sha256HexAsync(string path, CancellationToken ct)
    {
        var info = new FileInfo(path);
        var key = (info.FullName, info.Length, info.LastWriteTimeUtc);
        if (Known.TryGetValue(key, out string? hash))
            return hash;
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
        Known[key] = hash;
        return hash;
    }
}
