namespace ImageCaptioning.Cli.Tags;

/// <summary>
/// The hand-kept inputs of the tag table, beside its output in <c>models/imagenet-tags/</c>:
/// <c>imagenet-wnids.txt</c> (line i = class i's WordNet id), <c>overrides.tsv</c> (wnid, words, reason) and
/// <c>groups.tsv</c> (word, wnid, lead|evidence). Tab-separated; <c>#</c> lines and blank lines are comments.
/// </summary>
internal static class TagTableSources
{
    public const string WnidsFileName = "imagenet-wnids.txt";
    public const string OverridesFileName = "overrides.tsv";
    public const string GroupsFileName = "groups.tsv";

    public static IReadOnlyList<string> ReadWnids(string folder) =>
        [.. Rows(Path.Combine(folder, WnidsFileName), 1).Select(r => r[0])];

    public static IReadOnlyList<TagTableBuilder.Override> ReadOverrides(string folder) =>
        [.. Rows(Path.Combine(folder, OverridesFileName), 3).Select(r => new TagTableBuilder.Override(r[0], r[1].Split('|'), r[2]))];

    public static IReadOnlyList<TagTableBuilder.GroupDefinition> ReadGroups(string folder) =>
        [.. Rows(Path.Combine(folder, GroupsFileName), 3).Select(r => new TagTableBuilder.GroupDefinition(r[0], r[1], ParseLead(r[2])))];

    private static bool ParseLead(string value) => value switch
    {
        "lead" => true,
        "evidence" => false,
        _ => throw new InvalidDataException($"Group role '{value}' must be 'lead' or 'evidence'."),
    };

    private static IEnumerable<string[]> Rows(string path, int fields)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Tag table source '{path}' does not exist.", path);
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith('#')) continue;
            string[] parts = line.Split('\t');
            if (parts.Length < fields || parts.Take(fields).Any(string.IsNullOrWhiteSpace))
                throw new InvalidDataException($"'{path}' line {lineNumber}: expected {fields} tab-separated fields.");
            yield return parts;
        }
    }
}
