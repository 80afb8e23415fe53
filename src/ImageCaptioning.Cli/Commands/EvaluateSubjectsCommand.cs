using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ImageCaptioning.Captioning;
using ImageCaptioning.Cli.Arguments;
using ImageCaptioning.Configuration;
using ImageCaptioning.Data;
using ImageCaptioning.Decoding;
using ImageCaptioning.Evaluation;
using ImageCaptioning.Imaging;
using ImageCaptioning.Subjects;
using ImageCaptioning.Tags;

namespace ImageCaptioning.Cli.Commands;

/// <summary>
/// `evaluate-subjects`: captions the subject dev set (everyday photos outside Flickr8k, <c>data/subjects/</c>) and reports
/// how often the caption names the photo's main subject, how often it puts a dog into a dog-free photo, and how often the
/// encoder's top tag names the subject at several confidence thresholds.
/// </summary>
internal static class EvaluateSubjectsCommand
{
    internal sealed record Options(string LabelsPath, string? ModelFolder, string TagFolder, DecodingOptions Decoding, string? ReportPath,
        string? DogCheckSplit = null);

    private static readonly float[] DogRuleThresholds = [0.02f, 0.05f, 0.1f, 0.3f];

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var labels = new Option<string?>("--labels") { Description = $"The labels file (default: {SubjectLabelsFile.DefaultRelativePath} in the checkout)." };
        var model = new Option<string?>("--model") { Description = $"Decoder model folder (default: models/{Captioner.DefaultModelName})." };
        var tags = new Option<string?>("--tags") { Description = $"Tag table folder (default: models/{ImageNetTagTable.FolderName})." };
        var beam = new Option<int>("--beam") { Description = "Beam width (1 = greedy).", DefaultValueFactory = _ => DecodingOptions.Default.BeamWidth };
        var rerank = new Option<bool>("--rerank") { Description = "Consensus re-ranking of the n-best list.", DefaultValueFactory = _ => DecodingOptions.Default.ConsensusRerank };
        var report = new Option<string?>("--report") { Description = "Write a JSON report (figures and every photo's caption and tags) to this file." };
        var guidance = Caption.GuidanceCli.CreateOption();
        var dogCheck = new Option<string?>("--dog-check") { Description = "Also measure the dog group on a Flickr8k split (train, dev or test): a photo has a dog when a reference caption says so." };
        dogCheck.AcceptOnlyFromAmong([.. Flickr8kReferences.SplitNames]);
        var command = new Command("evaluate-subjects",
            "Caption the subject dev set: subject-mention rate, dogs in dog-free photos, top-tag accuracy.") { labels, model, tags, beam, rerank, report, dogCheck, guidance };
        beam.CheckedBy(value => DecodingOptions.Default with { BeamWidth = value });
        command.SetAction(async (parse, ct) =>
        {
            var paths = CaptioningPaths.FromEnvironment();
            int beamWidth = parse.GetValue(beam); // checked at parse time (CheckedBy above)
            var decoding = DecodingOptions.Default with
            {
                BeamWidth = beamWidth,
                Method = beamWidth == 1 ? DecodingMethod.Greedy : DecodingMethod.Beam,
                ConsensusRerank = parse.GetValue(rerank),
                Guidance = parse.GetValue(guidance),
            };
            var options = new Options(
                parse.GetValue(labels) ?? Path.Combine(paths.RepositoryRoot ?? Directory.GetCurrentDirectory(), SubjectLabelsFile.DefaultRelativePath),
                parse.GetValue(model), parse.GetValue(tags) ?? ImageNetTagTable.DefaultFolder(paths), decoding, parse.GetValue(report),
                parse.GetValue(dogCheck));
            try
            {
                return await RunAsync(options, paths, Console.Out, ct);
            }
            catch (Exception ex)
            {
                return CliRunner.Report(ex);
            }
        });
        return command;
    }

    internal static async Task<int> RunAsync(Options options, CaptioningPaths paths, TextWriter output, CancellationToken ct)
    {
        var labels = SubjectLabelsFile.Read(options.LabelsPath);
        var tagger = new ImageNetTagger(ImageNetTagTable.Load(options.TagFolder));
        using var captioner = await Captioner.CreateAsync(paths, options.ModelFolder, ct: ct);
        var observations = new List<SubjectObservation>(labels.Count);
        foreach (var label in labels)
        {
            ct.ThrowIfCancellationRequested();
            var image = ValidatedImage.FromFile(label.ImagePath, captioner.Encoder.Limits);
            var caption = captioner.Caption(image, options.Decoding).Best.Text;
            // The prediction the caption's tags were read from: with guidance the photo's undistorted squares, else the one encoder run.
            float[] probabilities = options.Decoding.Guidance == DecodingGuidance.Tags
                ? captioner.Encoder.ClassProbabilitiesOverSquares(image)
                : ImageNetTagger.Probabilities(captioner.Encoder.Encode(image).Logits);
            var tags = tagger.Tag(probabilities, minProbability: 0.01f);
            observations.Add(new SubjectObservation(label, caption, tags, tagger.GroupProbability("dog", probabilities) ?? 0f)
            {
                TopTag = tagger.BestGuess(tags),
            });
        }
        var evaluation = new SubjectEvaluation(observations);
        Print(evaluation, options, output);
        if (options.DogCheckSplit is { } split)
            PrintDogCheck(DogCheck(captioner, tagger, paths, split, ct), split, output);
        if (options.ReportPath is { } reportPath)
            await File.WriteAllTextAsync(reportPath, JsonSerializer.Serialize(ToReport(evaluation, options), JsonOptions), ct);
        return 0;
    }

    private static void Print(SubjectEvaluation e, Options options, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine("| photo | subject | named | dog | P(dog group) | top tag | caption |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var o in e.Observations)
        {
            string top = o.TopTag is { } t ? string.Create(inv, $"{t.Word} {t.Probability:0.00}{(o.TopTagNamesSubject ? " ✓" : o.TopTagIsRight ? " (category)" : "")}") : "–";
            string dog = o.Label.HasDog ? "has dog" : o.CaptionMentionsDog ? "**dog!**" : "";
            output.WriteLine(string.Create(inv,
                $"| {Path.GetFileName(o.Label.ImagePath)} | {string.Join('/', o.Label.Subjects)} | {(o.CaptionNamesSubject ? "✓" : "")} | {dog} | {o.DogProbability:0.000} | {top} | {o.Caption} |"));
        }
        output.WriteLine();
        output.WriteLine(string.Create(inv, $"decoding: beam {options.Decoding.BeamWidth}, re-ranking {(options.Decoding.ConsensusRerank ? "on" : "off")}, guidance {options.Decoding.Guidance.ToString().ToLowerInvariant()}; labels: {options.LabelsPath}"));
        output.WriteLine(string.Create(inv,
            $"subject named in the caption: {e.SubjectNamed}/{e.Photos} = {e.SubjectMentionRate:P1} (a listed word or its regular plural/singular; exactly a listed word: {e.SubjectNamedExactly}/{e.Photos})"));
        output.WriteLine(string.Create(inv, $"dog in a dog-free photo's caption: {e.DogInDogFree}/{e.DogFreePhotos} = {e.DogInDogFreeRate:P1}"));
        output.WriteLine();
        output.WriteLine("| P(dog group) below | false dogs it would remove | photos with a dog it would wrongly forbid |");
        output.WriteLine("| --- | --- | --- |");
        foreach (var row in e.DogRule(DogRuleThresholds))
            output.WriteLine(string.Create(inv, $"| {row.Threshold:0.00} | {row.FalseDogsBlocked}/{row.FalseDogs} | {row.DogPhotosBlocked}/{row.DogPhotos} |"));
        output.WriteLine();
        output.WriteLine("| top tag probability ≥ | photos (coverage) | top tag names the subject | top tag names the subject or its category |");
        output.WriteLine("| --- | --- | --- | --- |");
        foreach (var row in e.TagRows)
            output.WriteLine(string.Create(inv,
                $"| {row.Threshold:0.00} | {row.Confident}/{row.Photos} ({row.Coverage:P0}) | {row.Correct}/{row.Confident} ({row.Precision:P0}) | {row.Right}/{row.Confident} ({row.RightRate:P0}) |"));
    }

    /// <summary>P(dog group) of every image of a Flickr8k split, with "has a dog" = a reference caption mentions one.</summary>
    private static DogGroupCalibration DogCheck(Captioner captioner, ImageNetTagger tagger, CaptioningPaths paths, string split, CancellationToken ct)
    {
        var dataset = Flickr8kDataset.Load(paths.RequireFlickr8kDirectory());
        var references = Flickr8kReferences.ForSplit(dataset, Flickr8kReferences.ParseSplit(split));
        var images = references.Keys.Order(StringComparer.Ordinal).ToList();
        var photos = new List<(float, float, bool)>(images.Count);
        foreach (var chunk in images.Chunk(32))
        {
            ct.ThrowIfCancellationRequested();
            var encoded = captioner.Encoder.EncodeBatch([.. chunk.Select(dataset.ImagePath)]);
            for (int i = 0; i < chunk.Length; i++)
            {
                float[] probabilities = ImageNetTagger.Probabilities(encoded[i].Logits);
                float other = tagger.Tag(probabilities, minProbability: 0.01f, sourceCount: 0).FirstOrDefault(t => t.Word != "dog")?.Probability ?? 0f;
                photos.Add((tagger.GroupProbability("dog", probabilities) ?? 0f, other, references[chunk[i]].Any(SubjectMentions.MentionsDog)));
            }
        }
        return new DogGroupCalibration(photos);
    }

    private static void PrintDogCheck(DogGroupCalibration c, string split, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine(string.Create(inv, $"Flickr8k {split}: {c.DogPhotos} photos with a dog (a reference says so), {c.DogFreePhotos} without"));
        output.WriteLine("| P(dog group) threshold | photos with a dog below it | dog-free photos at or above it |");
        output.WriteLine("| --- | --- | --- |");
        foreach (float t in DogRuleThresholds)
        {
            var (below, above) = c.At(t);
            output.WriteLine(string.Create(inv, $"| {t:0.00} | {below}/{c.DogPhotos} ({(double)below / Math.Max(1, c.DogPhotos):P1}) | {above}/{c.DogFreePhotos} ({(double)above / Math.Max(1, c.DogFreePhotos):P1}) |"));
        }
        output.WriteLine();
        output.WriteLine("| rule: P(dog group) below … and another tag at least … | photos with a dog it would forbid | dog-free photos it would cover |");
        output.WriteLine("| --- | --- | --- |");
        foreach (float t in DogRuleThresholds)
            foreach (float other in new[] { 0.3f, 0.5f })
            {
                var (forbidden, covered) = c.Rule(t, other);
                output.WriteLine(string.Create(inv, $"| {t:0.00} and {other:0.0} | {forbidden}/{c.DogPhotos} ({(double)forbidden / Math.Max(1, c.DogPhotos):P1}) | {covered}/{c.DogFreePhotos} |"));
            }
    }

    private static object ToReport(SubjectEvaluation e, Options options) => new
    {
        labels = options.LabelsPath,
        decoding = new { beam = options.Decoding.BeamWidth, rerank = options.Decoding.ConsensusRerank, guidance = options.Decoding.Guidance },
        photos = e.Photos,
        subjectNamed = e.SubjectNamed,
        subjectMentionRate = e.SubjectMentionRate,
        subjectNamedExactWords = e.SubjectNamedExactly,
        dogFreePhotos = e.DogFreePhotos,
        dogInDogFree = e.DogInDogFree,
        dogInDogFreeRate = e.DogInDogFreeRate,
        dogRule = e.DogRule(DogRuleThresholds),
        topTag = e.TagRows.Select(r => new { threshold = r.Threshold, confident = r.Confident, correct = r.Correct, right = r.Right, coverage = r.Coverage, precision = r.Precision }),
        images = e.Observations.Select(o => new
        {
            file = Path.GetFileName(o.Label.ImagePath),
            subjects = o.Label.Subjects,
            hasDog = o.Label.HasDog,
            caption = o.Caption,
            namesSubject = o.CaptionNamesSubject,
            mentionsDog = o.CaptionMentionsDog,
            dogProbability = o.DogProbability,
            topTag = o.TopTag?.Word,
            tags = o.Tags.Take(5).Select(t => new { word = t.Word, probability = t.Probability, classes = t.SourceClasses }),
        }),
    };
}
