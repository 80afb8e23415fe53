namespace ImageCaptioning.Cli.Tags;

/// <summary>
/// The hand-kept inputs of the tag table, beside its output in <c>models/imagenet-tags/</c>:
/// <c>imagenet-wnids.txt</c> (line i = class i's WordNet id), <c>overrides.tsv</c> (wnid, words, reason) and
/// <c>groups.tsv</c> (word, wnid, lead|evidence) and <c>novel-words.tsv</c> (wnid, word|plural, proxy|plural or "-", reason). Tab-separated; <c>#</c> lines and blank lines are comments.
/// </summary>
internal static class TagTableSources
{
    public const string WnidsFileName = "imagenet-wnids.txt";
    public const string OverridesFileName = "overrides.tsv";
    public const string GroupsFileName = "groups.tsv";
    public const string NovelWordsFileName = "novel-words.tsv";

    public static IReadOnlyList<string> ReadWnids(string folder) =>
        [.. Rows(Path.Combine(folder, WnidsFileName), 1).Select(r => r[0])];

    public static IReadOnlyList<TagTableBuilder.Override> ReadOverrides(string folder) =>
        [.. Rows(Path.Combine(folder, OverridesFileName), 3).Select(r => new TagTableBuilder.Override(r[0], r[1].Split('|'), r[2]))];

    public static IReadOnlyList<TagTableBuilder.GroupDefinition> ReadGroups(string folder) =>
        [.. Rows(Path.Combine(folder, GroupsFileName), 3).Select(r => new TagTableBuilder.GroupDefinition(r[0], r[1], ParseLead(r[2])))];

    public static IReadOnlyList<TagTableBuilder.NovelDefinition> ReadNovelWords(string folder) =>
        [.. Rows(Path.Combine(folder, NovelWordsFileName), 4).Select(r => new TagTableBuilder.NovelDefinition(
            r[0], Split(r[1]).Word, Split(r[1]).Plural, r[2] == "-" ? null : Split(r[2]).Word, r[2] == "-" ? null : Split(r[2]).Plural, r[3]))];

    private static (string Word, string Plural) Split(string field)
    {
        string[] parts = field.Split('|');
        if (parts.Length > 2 || parts.Any(string.IsNullOrWhiteSpace))
            throw new InvalidDataException($"'{field}' must be 'word' or 'word|plural'.");
        return (parts[0], parts.Length > 1 ? parts[1] : "");
    }

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
