using System.Text;
using System.Text.RegularExpressions;

namespace ImageCaptioning.Captioning;

/// <summary>
/// Turns command-line inputs into image files: a file is taken as is (whatever its extension — the encoder
/// judges the content), a folder contributes every image file below it (recursively, by extension), and a
/// glob (<c>*</c>, <c>?</c>, <c>**</c> for any folders) is matched below its wildcard-free prefix — for shells
/// that pass the pattern through unexpanded. Inputs that match nothing are reported, not silently dropped.
/// </summary>
public static class ImagePathExpander
{
    /// <summary>Extensions picked up from folders and globs.</summary>
    public static IReadOnlySet<string> ImageExtensions { get; } =
        new HashSet<string>([".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"], StringComparer.OrdinalIgnoreCase);

    /// <summary>An input that gave no image, and why.</summary>
    public sealed record Problem(string Input, string Reason);

    /// <summary>The files in input order (each folder's and glob's matches sorted), without duplicates, and the problems.</summary>
    public static (IReadOnlyList<string> Files, IReadOnlyList<Problem> Problems) Expand(IEnumerable<string> inputs)
    {
        var files = new List<string>();
        var problems = new List<Problem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string file)
        {
            if (seen.Add(Path.GetFullPath(file))) files.Add(file);
        }
        foreach (string input in inputs)
        {
            if (File.Exists(input))
                Add(input);
            else if (Directory.Exists(input))
            {
                int before = files.Count;
                foreach (string file in ImagesUnder(input)) Add(file);
                if (files.Count == before) problems.Add(new Problem(input, "the folder holds no image files."));
            }
            else if (input.IndexOfAny(['*', '?']) >= 0)
            {
                int before = files.Count;
                foreach (string file in MatchGlob(input)) Add(file);
                if (files.Count == before) problems.Add(new Problem(input, "no image file matches this pattern."));
            }
            else
                problems.Add(new Problem(input, "no such file or folder."));
        }
        return (files, problems);
    }

    private static IEnumerable<string> ImagesUnder(string folder) =>
        Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f)))
            .Order(StringComparer.Ordinal);

    private static IEnumerable<string> MatchGlob(string pattern)
    {
        string normalized = pattern.Replace('\\', '/');
        string[] segments = normalized.Split('/');
        int firstWild = Array.FindIndex(segments, s => s.IndexOfAny(['*', '?']) >= 0);
        string root = string.Join('/', segments[..firstWild]);
        string baseFolder = root.Length > 0 ? root : normalized.StartsWith('/') ? "/" : ".";
        if (!Directory.Exists(baseFolder)) return [];
        var regex = GlobToRegex(string.Join('/', segments[firstWild..]));
        bool recursive = segments.Length - firstWild > 1 || normalized.Contains("**");
        var options = new EnumerationOptions { RecurseSubdirectories = recursive, IgnoreInaccessible = true };
        return Directory.EnumerateFiles(baseFolder, "*", options)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f))
                        && regex.IsMatch(Path.GetRelativePath(baseFolder, f).Replace('\\', '/')))
            .Order(StringComparer.Ordinal);
    }

    /// <summary><c>**/</c> = any folders (or none), <c>*</c> = any characters but '/', <c>?</c> = one such character.</summary>
    private static Regex GlobToRegex(string glob)
    {
        var regex = new StringBuilder("^");
        for (int i = 0; i < glob.Length; i++)
        {
            char c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                bool slash = i + 2 < glob.Length && glob[i + 2] == '/';
                regex.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*') regex.Append("[^/]*");
            else if (c == '?') regex.Append("[^/]");
            else regex.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
