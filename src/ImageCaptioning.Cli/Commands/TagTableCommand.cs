using System.CommandLine;
using System.Security.Cryptography;
using ImageCaptioning.Cli.Tags;
using ImageCaptioning.Configuration;
using ImageCaptioning.Data;
using ImageCaptioning.Encoder;
using ImageCaptioning.ModelFiles;
using ImageCaptioning.Tags;

namespace ImageCaptioning.Cli.Commands;

/// <summary>
/// `tag-table`: regenerates <c>models/imagenet-tags/imagenet-tags.tsv</c> and <c>imagenet-groups.tsv</c> from WordNet 3.0,
/// the caption vocabulary, the class names and the folder's hand-kept sources (wnids, overrides, groups).
/// </summary>
internal static class TagTableCommand
{
    /// <summary>Where WordNet's dict files are: $IMAGECAPTIONING_WORDNET_DIR, else where Debian's wordnet-base puts them.</summary>
    public const string WordNetDirVariable = "IMAGECAPTIONING_WORDNET_DIR";

    public static string DefaultWordNet =>
        Environment.GetEnvironmentVariable(WordNetDirVariable) is { Length: > 0 } folder ? folder : "/usr/share/wordnet";

    public static Command Create()
    {
        var wordNet = new Option<string>("--wordnet") { Description = $"WordNet 3.0 dict folder holding data.noun (default ${WordNetDirVariable} or /usr/share/wordnet; Debian: apt-get install wordnet-base).", DefaultValueFactory = _ => DefaultWordNet };
        var vocab = new Option<string?>("--vocab") { Description = "Caption vocabulary (default: the shipped model's vocab.json)." };
        var folder = new Option<string?>("--folder") { Description = "Folder with the sources, where the table is written (default: models/imagenet-tags)." };
        var command = new Command("tag-table", "Regenerate the ImageNet class → caption word table from WordNet.") { wordNet, vocab, folder };
        command.SetAction(async (parse, ct) =>
        {
            var paths = CaptioningPaths.FromEnvironment();
            string vocabPath = parse.GetValue(vocab) ?? Path.Combine(paths.ShippedModelsDirectory, "flickr8k-mobilenetv2", "vocab.json");
            string target = parse.GetValue(folder) ?? ImageNetTagTable.DefaultFolder(paths);
            string classesPath = await new ModelStore(paths).ResolveAsync(ImageNetClasses.FileName, progress: null, ct);
            try
            {
                return Run(parse.GetValue(wordNet)!, vocabPath, classesPath, target, Console.Out);
            }
            catch (InvalidDataException ex) // a source file breaks a rule: say which, no stack trace
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return CliRunner.ExitBadInput;
            }
        });
        return command;
    }

    internal static int Run(string wordNetFolder, string vocabPath, string classesPath, string folder, TextWriter output)
    {
        var wordNet = WordNetNouns.Load(wordNetFolder);
        var vocabulary = Vocabulary.Load(vocabPath);
        var labels = ImageNetClasses.LoadAsync(classesPath, CancellationToken.None).GetAwaiter().GetResult();
        var builder = new TagTableBuilder(wordNet, vocabulary);
        var (table, report) = builder.Build(TagTableSources.ReadWnids(folder), labels,
            TagTableSources.ReadOverrides(folder), TagTableSources.ReadGroups(folder), TagTableSources.ReadNovelWords(folder));
        table.Save(folder,
        [
            "ImageNet class → caption words. GENERATED, do not edit: change overrides.tsv / groups.tsv / novel-words.tsv and re-run",
            "  dotnet run --project src/ImageCaptioning.Cli -c Release -- tag-table --wordnet /usr/share/wordnet",
            $"Inputs: WordNet 3.0 data.noun sha256 {Sha256(Path.Combine(wordNetFolder, WordNetNouns.DataFileName))[..16]}…, " +
                $"vocab.json sha256 {Sha256(vocabPath)[..16]}… ({vocabulary.Count} tokens), {ImageNetClasses.FileName} sha256 {Sha256(classesPath)[..16]}…",
            "See README.md in this folder for the method and the hand checks.",
        ]);
        output.WriteLine($"wrote {ImageNetTagTable.ClassesFileName} and {ImageNetTagTable.GroupsFileName} to {folder}");
        output.WriteLine($"classes: {table.Classes.Count}; overridden by hand: {report.Overridden}; without any word: {report.ClassesWithoutWords}; " +
            $"distinct words: {table.Classes.SelectMany(c => c.Words).Distinct().Count()}; groups: {table.Groups.Count}; " +
            $"classes with a novel word: {table.Classes.Count(c => c.Novel is not null)} ({table.Classes.Where(c => c.Novel is not null).Select(c => c.Novel!.Word).Distinct().Count()} words)");
        output.WriteLine($"class names matching no lemma of their synset: {report.LabelMismatches.Count}");
        foreach (string m in report.LabelMismatches) output.WriteLine("  " + m);
        return 0;
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
