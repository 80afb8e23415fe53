using ImageCaptioning.Encoder;

namespace ImageCaptioning.Tags;

/// <summary>
/// The committed table from the 1000 ImageNet classes to caption words, and the class groups
/// (<c>models/imagenet-tags/</c>; see its README for how it is generated and checked).
/// Two tab-separated files, <c>#</c> lines are comments:
/// <c>imagenet-tags.tsv</c> — <c>index, wnid, label, words (|-separated), novel, proxy, source</c>, 1000 rows in class order
/// (<c>novel</c> = a name outside the vocabulary and its plural, e.g. <c>pig|pigs</c>; <c>proxy</c> = the vocabulary words it
/// borrows weights from, e.g. <c>animal|animals</c>; both empty for most classes, see <see cref="NovelWord"/>);
/// <c>imagenet-groups.tsv</c> — <c>word, wnid, members (comma-separated class indices)</c>.
/// </summary>
public sealed class ImageNetTagTable
{
    public const string FolderName = "imagenet-tags";
    public const string ClassesFileName = "imagenet-tags.tsv";
    public const string GroupsFileName = "imagenet-groups.tsv";
    private const string ClassesHeader = "index\twnid\tlabel\twords\tnovel\tproxy\tsource";
    private const string GroupsHeader = "word\twnid\tmembers";

    public ImageNetTagTable(IReadOnlyList<ClassWords> classes, IReadOnlyList<ClassGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(groups);
        if (classes.Count != EncoderGeometry.Classes)
            throw new ArgumentException($"The table needs {EncoderGeometry.Classes} classes, not {classes.Count}.", nameof(classes));
        for (int i = 0; i < classes.Count; i++)
            if (classes[i].Index != i)
                throw new ArgumentException($"Class at position {i} has index {classes[i].Index}.", nameof(classes));
        foreach (var group in groups)
            if (group.Members.Count == 0 || group.Members.Any(m => m < 0 || m >= EncoderGeometry.Classes))
                throw new ArgumentException($"Group '{group.Word}' has no members or a member outside 0..{EncoderGeometry.Classes - 1}.", nameof(groups));
        foreach (var sameWord in classes.Where(c => c.Novel is not null).GroupBy(c => c.Novel!.Word))
            if (sameWord.Select(c => c.Novel).Distinct().Count() > 1)
                throw new ArgumentException($"Novel word '{sameWord.Key}' has different plurals or proxies in different classes.", nameof(classes));
        Classes = classes;
        Groups = groups;
    }

    /// <summary>Row i = class i.</summary>
    public IReadOnlyList<ClassWords> Classes { get; }

    /// <summary>The class groups, in file order.</summary>
    public IReadOnlyList<ClassGroup> Groups { get; }

    /// <summary>The group for <paramref name="word"/>, or null.</summary>
    public ClassGroup? GroupFor(string word) => Groups.FirstOrDefault(g => g.Word == word);

    /// <summary><c>models/imagenet-tags</c> under the shipped models folder.</summary>
    public static string DefaultFolder(Configuration.CaptioningPaths paths) => Path.Combine(paths.ShippedModelsDirectory, FolderName);

    /// <summary>Reads both files from <paramref name="folder"/>.</summary>
    /// <exception cref="TagTableFormatException">A file is missing or malformed.</exception>
    public static ImageNetTagTable Load(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        string classesPath = Path.Combine(folder, ClassesFileName), groupsPath = Path.Combine(folder, GroupsFileName);
        foreach (string path in new[] { classesPath, groupsPath })
            if (!File.Exists(path))
                throw new TagTableFormatException(path, "the file does not exist.");
        return Parse(File.ReadLines(classesPath), classesPath, File.ReadLines(groupsPath), groupsPath);
    }

    private static ImageNetTagTable Parse(IEnumerable<string> classLines, string classesPath, IEnumerable<string> groupLines, string groupsPath)
    {
        var classes = ReadRows(classLines, classesPath, ClassesHeader, 7).Select(r => ParseClass(classesPath, r)).ToList();
        if (classes.Count != EncoderGeometry.Classes)
            throw new TagTableFormatException(classesPath, $"holds {classes.Count} classes, not {EncoderGeometry.Classes}.");
        for (int i = 0; i < classes.Count; i++)
            if (classes[i].Index != i)
                throw new TagTableFormatException(classesPath, $"row {i + 1} is class {classes[i].Index}; rows must be in class order 0..{EncoderGeometry.Classes - 1}.");
        var groups = ReadRows(groupLines, groupsPath, GroupsHeader, 3).Select(r => ParseGroup(groupsPath, r)).ToList();
        return new ImageNetTagTable(classes, groups);
    }

    private static readonly Lazy<ImageNetTagTable> s_embedded = new(LoadEmbedded);

    /// <summary>
    /// The committed table as built into this assembly (<c>models/imagenet-tags/</c> at build time), so captioning needs no
    /// extra model file: guided decoding reads this one.
    /// </summary>
    public static ImageNetTagTable Embedded => s_embedded.Value;

    private static ImageNetTagTable LoadEmbedded()
    {
        var assembly = typeof(ImageNetTagTable).Assembly;
        IEnumerable<string> Lines(string file)
        {
            using var stream = assembly.GetManifestResourceStream($"ImageCaptioning.Models.{FolderName}.{file}")
                ?? throw new TagTableFormatException(file, "is not embedded in the ImageCaptioning assembly.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        }
        return Parse(Lines(ClassesFileName), "(embedded) " + ClassesFileName, Lines(GroupsFileName), "(embedded) " + GroupsFileName);
    }

    /// <summary>Writes both files into <paramref name="folder"/>, each after <paramref name="headerComment"/> (lines prefixed with <c>#</c>).</summary>
    public void Save(string folder, IEnumerable<string> headerComment)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Directory.CreateDirectory(folder);
        var comment = headerComment.Select(l => "# " + l).ToList();
        void Write(string fileName, string header, IEnumerable<string> rows) =>
            File.WriteAllText(Path.Combine(folder, fileName), string.Concat(comment.Append(header).Concat(rows).Select(line => line + "\n")));

        Write(ClassesFileName, ClassesHeader, Classes.Select(c =>
            $"{c.Index}\t{c.Wnid}\t{c.Label}\t{string.Join('|', c.Words)}\t{c.Novel?.WordsField}\t{c.Novel?.ProxyField}\t{c.Source}"));
        Write(GroupsFileName, GroupsHeader, Groups.Select(g => $"{g.Word}\t{g.Wnid}\t{string.Join(',', g.Members)}"));
    }

    private static IEnumerable<(int Line, string[] Fields)> ReadRows(IEnumerable<string> lines, string path, string header, int fields)
    {
        bool headerSeen = false;
        int lineNumber = 0;
        foreach (string line in lines)
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (!headerSeen)
            {
                if (line != header)
                    throw new TagTableFormatException(path, $"line {lineNumber} should be the header '{header.Replace('\t', ' ')}'.");
                headerSeen = true;
                continue;
            }
            string[] parts = line.Split('\t');
            if (parts.Length != fields)
                throw new TagTableFormatException(path, $"line {lineNumber} has {parts.Length} tab-separated fields, not {fields}.");
            yield return (lineNumber, parts);
        }
        if (!headerSeen)
            throw new TagTableFormatException(path, "no header line.");
    }

    private static ClassWords ParseClass(string path, (int Line, string[] Fields) row)
    {
        var f = row.Fields;
        if (!int.TryParse(f[0], out int index))
            throw new TagTableFormatException(path, $"line {row.Line}: '{f[0]}' is not a class index.");
        if (f[1].Length != 9 || f[1][0] != 'n' || !f[1][1..].All(char.IsAsciiDigit))
            throw new TagTableFormatException(path, $"line {row.Line}: '{f[1]}' is not a WordNet noun id like n02124075.");
        string[] words = f[3].Length == 0 ? [] : f[3].Split('|');
        if (words.Any(string.IsNullOrWhiteSpace))
            throw new TagTableFormatException(path, $"line {row.Line}: an empty word in '{f[3]}'.");
        return new ClassWords(index, f[1], f[2], words, f[6]) { Novel = ParseNovel(path, row.Line, f[4], f[5]) };
    }

    private static NovelWord? ParseNovel(string path, int line, string novel, string proxy)
    {
        if (novel.Length == 0 && proxy.Length == 0) return null;
        string[] n = novel.Split('|'), p = proxy.Split('|');
        if (novel.Length == 0 || proxy.Length == 0 || n.Length > 2 || p.Length > 2 || n.Length != p.Length || n.Concat(p).Any(string.IsNullOrWhiteSpace))
            throw new TagTableFormatException(path, $"line {line}: novel '{novel}' and proxy '{proxy}' must both be 'word' or both 'word|plural'.");
        return new NovelWord(n[0], n.Length > 1 ? n[1] : "", p[0], p.Length > 1 ? p[1] : "");
    }

    private static ClassGroup ParseGroup(string path, (int Line, string[] Fields) row)
    {
        var f = row.Fields;
        var members = new List<int>();
        foreach (string m in f[2].Split(','))
        {
            if (!int.TryParse(m, out int index) || index < 0 || index >= EncoderGeometry.Classes)
                throw new TagTableFormatException(path, $"line {row.Line}: '{m}' is not a class index 0..{EncoderGeometry.Classes - 1}.");
            members.Add(index);
        }
        if (string.IsNullOrWhiteSpace(f[0]))
            throw new TagTableFormatException(path, $"line {row.Line}: the group has no word.");
        return new ClassGroup(f[0], f[1], members);
    }
}
