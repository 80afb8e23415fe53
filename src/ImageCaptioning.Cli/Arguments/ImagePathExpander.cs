using Microsoft.Extensions.FileSystemGlobbing;

namespace ImageCaptioning.Cli.Arguments;

/// <summary>
/// Turns command-line inputs into image files: a file is taken as is (whatever its extension — the encoder
/// judges the content), a folder contributes every image file below it (recursively, by extension), and a
/// glob (<c>*</c> within a name, <c>**</c> for any folders) is matched below its wildcard-free prefix by
/// Microsoft.Extensions.FileSystemGlobbing — for shells that pass the pattern through unexpanded. Inputs that match
/// nothing and sub-folders that cannot be read are reported, not silently dropped.
/// </summary>
public static class ImagePathExpander
{
    /// <summary>Extensions picked up from folders and globs.</summary>
    public static IReadOnlySet<string> ImageExtensions { get; } =
        new HashSet<string>([".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"], StringComparer.OrdinalIgnoreCase);

    /// <summary>An input that gave no image (or a folder below it that could not be read), and why.</summary>
    public sealed record Problem(string Input, string Reason);

    /// <summary>The files in input order (each folder's and glob's matches sorted), without duplicates, and the problems.</summary>
    public static (IReadOnlyList<string> Files, IReadOnlyList<Problem> Problems) Expand(IEnumerable<string> inputs) => Expand(inputs, null);

    /// <param name="inputs">Files, folders and globs.</param>
    /// <param name="enumerate">How a folder's entries are listed (tests make one fail as an unreadable folder would).</param>
    internal static (IReadOnlyList<string> Files, IReadOnlyList<Problem> Problems) Expand(
        IEnumerable<string> inputs, Func<DirectoryInfo, IEnumerable<FileSystemInfo>>? enumerate)
    {
        var files = new List<string>();
        var problems = new List<Problem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string file)
        {
            if (seen.Add(Path.GetFullPath(file))) files.Add(file);
        }
        var unreadable = new HashSet<string>(StringComparer.Ordinal); // per input: the matcher may list a folder more than once
        void Unreadable(string folder, Exception ex)
        {
            if (unreadable.Add(folder)) problems.Add(new Problem(folder, $"this folder could not be read ({ex.Message})."));
        }
        foreach (string input in inputs)
        {
            unreadable.Clear();
            if (File.Exists(input))
                Add(input);
            else if (Directory.Exists(input))
            {
                var matches = Match(input, "**/*", Unreadable, enumerate).ToList();
                matches.ForEach(Add);
                if (matches.Count == 0) problems.Add(new Problem(input, "the folder holds no image files."));
            }
            else if (input.Contains('?'))
                problems.Add(new Problem(input, "'?' is not a wildcard here (patterns take * and **); use '*'."));
            else if (input.Contains('*'))
            {
                var matches = MatchGlob(input, Unreadable, enumerate).ToList();
                matches.ForEach(Add); // a match already given by an earlier input is still a match
                if (matches.Count == 0) problems.Add(new Problem(input, "no image file matches this pattern."));
            }
            else
                problems.Add(new Problem(input, "no such file or folder."));
        }
        return (files, problems);
    }

    /// <summary>Splits the pattern at its first wildcard segment: the folder before it is the base the rest is matched under.</summary>
    private static IEnumerable<string> MatchGlob(string pattern, Action<string, Exception> unreadable,
        Func<DirectoryInfo, IEnumerable<FileSystemInfo>>? enumerate)
    {
        string normalized = pattern.Replace('\\', '/');
        string[] segments = normalized.Split('/');
        int firstWild = Array.FindIndex(segments, s => s.Contains('*'));
        string root = string.Join('/', segments[..firstWild]);
        string baseFolder = root.Length > 0 ? root : normalized.StartsWith('/') ? "/" : ".";
        return Directory.Exists(baseFolder) ? Match(baseFolder, string.Join('/', segments[firstWild..]), unreadable, enumerate) : [];
    }

    /// <summary>Image files under <paramref name="baseFolder"/> matching <paramref name="relativePattern"/>, as paths that start with the base, sorted.</summary>
    private static IEnumerable<string> Match(string baseFolder, string relativePattern, Action<string, Exception> unreadable,
        Func<DirectoryInfo, IEnumerable<FileSystemInfo>>? enumerate)
    {
        var matcher = new Matcher(OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        matcher.AddInclude(relativePattern);
        var result = matcher.Execute(new ReportingDirectory(new DirectoryInfo(baseFolder), unreadable, enumerate));
        return result.Files
            .Select(match => Path.Combine(baseFolder, match.Path))
            .Where(file => ImageExtensions.Contains(Path.GetExtension(file)))
            .Order(StringComparer.Ordinal);
    }
}
