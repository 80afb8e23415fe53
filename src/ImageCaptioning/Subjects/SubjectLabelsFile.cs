using ImageCaptioning.Errors;

namespace ImageCaptioning.Subjects;

/// <summary>
/// Reads the subject dev set's labels: a tab-separated file whose header names at least <c>file</c>, <c>subjects</c>
/// (|-separated), <c>dog</c> (yes/no) and <c>licence</c>, optionally <c>categories</c> (|-separated, may be empty);
/// <c>file</c> is relative to the labels file's folder.
/// </summary>
public static class SubjectLabelsFile
{
    public const string DefaultRelativePath = "data/subjects/labels.tsv";

    /// <exception cref="SubjectLabelsException">The file is missing or a row breaks a rule (the message says which).</exception>
    public static IReadOnlyList<SubjectLabel> Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new SubjectLabelsException($"Subject labels '{path}' do not exist.");
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0) throw new SubjectLabelsException($"Subject labels '{path}' are empty.");
        string[] header = lines[0].Split('\t');
        int Column(string name) => Array.IndexOf(header, name) is >= 0 and var i ? i
            : throw new SubjectLabelsException($"Subject labels '{path}': the header has no '{name}' column.");
        int file = Column("file"), subjects = Column("subjects"), dog = Column("dog"), licence = Column("licence");
        int categories = Array.IndexOf(header, "categories");
        var labels = new List<SubjectLabel>();
        for (int n = 1; n < lines.Length; n++)
        {
            if (string.IsNullOrWhiteSpace(lines[n])) continue;
            string[] f = lines[n].Split('\t');
            if (f.Length != header.Length)
                throw new SubjectLabelsException($"Subject labels '{path}' line {n + 1}: {f.Length} fields, the header has {header.Length}.");
            string[] words = Words(f[subjects]);
            string[] generic = categories >= 0 ? Words(f[categories]) : [];
            if (words.Length == 0)
                throw new SubjectLabelsException($"Subject labels '{path}' line {n + 1}: no subject word.");
            bool hasDog = f[dog] switch
            {
                "yes" => true,
                "no" => false,
                _ => throw new SubjectLabelsException($"Subject labels '{path}' line {n + 1}: dog must be 'yes' or 'no', not '{f[dog]}'."),
            };
            labels.Add(new SubjectLabel(Path.GetFullPath(Path.Combine(folder, f[file])), words, hasDog, generic, f[licence]));
        }
        return labels;
    }

    private static string[] Words(string field) =>
        [.. field.Split('|').Select(w => w.Trim().ToLowerInvariant()).Where(w => w.Length > 0)];
}

/// <summary>The subject labels file is missing or malformed.</summary>
public sealed class SubjectLabelsException(string message) : ImageCaptioningException(message);
