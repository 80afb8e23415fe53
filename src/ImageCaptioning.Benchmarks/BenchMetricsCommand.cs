using System.CommandLine;
using ImageCaptioning.Configuration;
using ImageCaptioning.Data;
using ImageCaptioning.Evaluation;
using ImageCaptioning.Metrics;

using ImageCaptioning.Benchmarks.Harness;

namespace ImageCaptioning.Benchmarks;

/// <summary>
/// `bench metrics`: time of one full caption evaluation of 1000 images × 5 references (BLEU-1..4, ROUGE-L,
/// CIDEr-D). Uses the Flickr8k test split when IMAGECAPTIONING_FLICKR8K_DIR is set (hypothesis of each image =
/// the first reference of the next image: plausible text with partial overlap), else synthetic captions.
/// </summary>
internal static class BenchMetricsCommand
{
    private const int SyntheticImages = 1000;
    private const int SyntheticReferences = 5;

    public static Command Create()
    {
        var runs = new Option<int>("--runs") { Description = "Timed runs per measurement (after a warm-up).", DefaultValueFactory = _ => 15 };
        var synthetic = new Option<bool>("--synthetic") { Description = "Use synthetic captions even when Flickr8k is available." };
        var command = new Command("metrics", "Caption metric speed: one evaluation of 1000 images × 5 references.") { runs, synthetic };
        command.SetAction(parse =>
        {
            var (source, hypotheses, references) = Load(parse.GetValue(synthetic));
            int runCount = Math.Max(1, parse.GetValue(runs));
            int referenceCount = references.Values.Sum(r => r.Count);
            Console.WriteLine($"data        {source}: {hypotheses.Count} images, {referenceCount} references");
            Console.WriteLine($"machine     {Environment.ProcessorCount} logical cores (single-threaded scorer)");

            var tokenized = TokenizedReferences.Create(references);
            var images = hypotheses.Keys.Order(StringComparer.Ordinal).Select(id =>
            {
                tokenized.TryGet(id, out var refs);
                return new TokenizedImage(id, PtbTokenizer.Tokenize(hypotheses[id]), refs);
            }).ToArray();
            var allCaptions = hypotheses.Values.Concat(references.Values.SelectMany(r => r)).ToArray();

            CaptionScores? scores = null;
            Console.WriteLine();
            Console.WriteLine("wall-clock ms per full evaluation: median (min–max, runs), and mean process CPU ms");
            Measure("raw text in (tokenise all + score)", () => scores = CaptionEvaluator.Evaluate(hypotheses, references), runCount);
            Measure("references pre-tokenised (trainer)", () => CaptionEvaluator.Evaluate(hypotheses, tokenized), runCount);
            Measure("tokens in (score only)", () => CaptionEvaluator.Score(images), runCount);
            Measure($"tokenise {allCaptions.Length} captions only", () => { foreach (string caption in allCaptions) PtbTokenizer.Tokenize(caption); }, runCount);
            Console.WriteLine();
            Console.WriteLine($"scores      {scores}");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Wall-clock medians, plus CPU time: on a shared 2-core machine other processes inflate wall-clock time,
    /// while the CPU time this process spends per evaluation stays close to what an idle machine would take.
    /// </summary>
    private static void Measure(string label, Action evaluation, int runs)
    {
        var wall = BenchStats.Measure(evaluation, runs: runs);
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        TimeSpan before = process.TotalProcessorTime;
        for (int i = 0; i < runs; i++)
            evaluation();
        process.Refresh();
        double cpuMs = (process.TotalProcessorTime - before).TotalMilliseconds / runs;
        Console.WriteLine($"  {label,-38} {wall.Format(),-34}   cpu {cpuMs,7:F1} ms");
    }

    private static (string Source, Dictionary<string, string> Hypotheses, IReadOnlyDictionary<string, IReadOnlyList<string>> References) Load(
        bool forceSynthetic)
    {
        var paths = CaptioningPaths.FromEnvironment();
        if (!forceSynthetic && paths.Flickr8kDirectory is { } directory && Directory.Exists(directory))
        {
            var references = Flickr8kReferences.ForSplit(Flickr8kDataset.Load(directory), DatasetSplit.Test);
            var ids = references.Keys.Order(StringComparer.Ordinal).ToArray();
            var hypotheses = new Dictionary<string, string>(ids.Length, StringComparer.Ordinal);
            for (int i = 0; i < ids.Length; i++)
                hypotheses[ids[i]] = references[ids[(i + 1) % ids.Length]][0];
            return ("Flickr8k test split", hypotheses, references);
        }
        return ("synthetic captions", SyntheticHypotheses(out var synthetic), synthetic);
    }

    /// <summary>Random 8–14-word sentences over a 400-word vocabulary (fixed seed), 5 references per image.</summary>
    private static Dictionary<string, string> SyntheticHypotheses(out IReadOnlyDictionary<string, IReadOnlyList<string>> references)
    {
        var random = new Random(42);
        string[] vocabulary = [.. Enumerable.Range(0, 400).Select(i => $"w{i}")];
        string Sentence() => string.Join(' ', Enumerable.Range(0, random.Next(8, 15)).Select(_ => vocabulary[(int)(vocabulary.Length * Math.Pow(random.NextDouble(), 2))])) + " .";
        var hypotheses = new Dictionary<string, string>(StringComparer.Ordinal);
        var refs = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        for (int i = 0; i < SyntheticImages; i++)
        {
            string id = $"image{i:D4}.jpg";
            hypotheses[id] = Sentence();
            refs[id] = Enumerable.Range(0, SyntheticReferences).Select(_ => Sentence()).ToArray();
        }
        references = refs;
        return hypotheses;
    }
}
