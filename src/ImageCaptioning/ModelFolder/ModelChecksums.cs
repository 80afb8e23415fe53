using System.Security.Cryptography;
using ImageCaptioning.Model;

namespace ImageCaptioning.ModelFolder;

/// <summary>
/// <c>checksums.sha256</c> of a model folder, in <c>sha256sum</c>'s format (<c>&lt;hex&gt;  &lt;file&gt;</c> per line), so
/// <c>sha256sum -c checksums.sha256</c> checks a folder by hand and re-creates the file for a converted model.
/// </summary>
internal static class ModelChecksums
{
    public static void Write(string folder, IEnumerable<string> fileNames)
    {
        var lines = fileNames.Select(name => $"{Sha256Hex(Path.Combine(folder, name))}  {name}");
        File.WriteAllText(Path.Combine(folder, DecoderModel.ChecksumsFileName), string.Join('\n', lines) + "\n");
    }

    /// <summary>Sets the checksum line of one file (added after the others, or replacing its old line).</summary>
    public static void AddOrReplace(string folder, string fileName)
    {
        string path = Path.Combine(folder, DecoderModel.ChecksumsFileName);
        var lines = File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToList() : [];
        lines.RemoveAll(l => l.Length > 66 && l[66..].TrimStart('*') == fileName);
        lines.Add($"{Sha256Hex(Path.Combine(folder, fileName))}  {fileName}");
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
    }

    /// <summary>Checks every one of <paramref name="fileNames"/> against the checksums file; any mismatch is a <see cref="ModelFormatException"/>.</summary>
    public static void Verify(string folder, IReadOnlyCollection<string> fileNames)
    {
        string path = Path.Combine(folder, DecoderModel.ChecksumsFileName);
        if (!File.Exists(path))
            throw new ModelFormatException(
                $"Model folder '{folder}' has no {DecoderModel.ChecksumsFileName}; create it with `sha256sum {string.Join(' ', fileNames)} > {DecoderModel.ChecksumsFileName}`.");
        var expected = Parse(path);
        foreach (string name in fileNames)
        {
            if (!expected.TryGetValue(name, out string? hash))
                throw new ModelFormatException($"'{path}' has no checksum for {name}.");
            string file = Path.Combine(folder, name);
            if (!File.Exists(file))
                throw new ModelFormatException($"Model folder '{folder}' lacks {name}.");
            string actual = Sha256Hex(file);
            if (actual != hash)
                throw new ModelFormatException(
                    $"'{file}' is corrupt or was modified: its SHA-256 is {actual} but {DecoderModel.ChecksumsFileName} says {hash}.");
        }
    }

    private static Dictionary<string, string> Parse(string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (string raw in File.ReadLines(path))
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            // "<64 hex>  <name>" (text mode) or "<64 hex> *<name>" (binary mode).
            int space = line.IndexOf(' ');
            string hash = space == 64 ? line[..64].ToLowerInvariant() : "";
            string name = space == 64 ? line[65..].TrimStart().TrimStart('*') : "";
            if (hash.Length != 64 || !hash.All(Uri.IsHexDigit) || name.Length == 0)
                throw new ModelFormatException($"'{path}' line {lineNumber} is not '<sha256>  <file>'.");
            result[name] = hash;
        }
        return result;
    }

    private static string Sha256Hex(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
