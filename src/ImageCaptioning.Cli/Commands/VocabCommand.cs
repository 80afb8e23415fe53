using System.CommandLine;
using ImageCaptioning.Configuration;
using ImageCaptioning.Data;

namespace ImageCaptioning.Cli.Commands;

/// <summary>
/// `vocab`: builds the word vocabulary from the Flickr8k training captions (never dev or test), saves it as JSON,
/// and prints its size and how many train and dev words it covers.
/// </summary>
internal static class VocabCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--out") { HelpName = "path", Description = "Where to write the vocabulary JSON (default <data cache>/vocab.json)." };
        var minCount = new Option<int>("--min-count")
        {
            Description = "A word needs at least this many training occurrences to get its own id.",
            DefaultValueFactory = _ => Vocabulary.DefaultMinCount,
        };
        minCount.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
                result.AddError("--min-count must be at least 1.");
        });
        var flickr = new Option<string?>("--flickr8k") { HelpName = "folder", Description = $"Flickr8k folder (default ${CaptioningPaths.Flickr8kDirVariable})." };
        var command = new Command("vocab", "Build the vocabulary from the Flickr8k training captions and save it as JSON.")
        {
            output, minCount, flickr,
        };
        command.SetAction(parse =>
        {
            var paths = CaptioningPaths.FromEnvironment();
            var dataset = Flickr8kDataset.Load(parse.GetValue(flickr) ?? paths.RequireFlickr8kDirectory(), message => Console.Error.WriteLine(message));
            List<IReadOnlyList<string>> Tokenized(DatasetSplit split) =>
                [.. dataset.Split(split).SelectMany(image => dataset.Captions[image]).Select(CaptionTokenizer.Tokenize)];

            var train = Tokenized(DatasetSplit.Train);
            var dev = Tokenized(DatasetSplit.Dev);
            var vocabulary = Vocabulary.Build(train, parse.GetValue(minCount));
            string path = Path.GetFullPath(parse.GetValue(output) ?? Path.Combine(paths.DataCacheDirectory, "vocab.json"));
            vocabulary.Save(path);

            int distinct = train.SelectMany(words => words).Distinct(StringComparer.Ordinal).Count();
            Console.WriteLine($"vocabulary: {vocabulary.Count:N0} tokens ({vocabulary.Count - Vocabulary.SpecialTokens.Count:N0} words seen ≥ {vocabulary.MinCount} times "
                + $"among {distinct:N0} distinct words of {train.Count:N0} training captions, + {Vocabulary.SpecialTokens.Count} special tokens)");
            Console.WriteLine($"coverage: train {vocabulary.CoverageOf(train):P2} of words known, dev {vocabulary.CoverageOf(dev):P2}");
            Console.WriteLine($"saved {path}");
            return 0;
        });
        return command;
    }
}
