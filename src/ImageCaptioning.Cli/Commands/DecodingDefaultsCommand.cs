using System.CommandLine;
using ImageCaptioning.Cli.Arguments;
using ImageCaptioning.Configuration;
using ImageCaptioning.Data;
using ImageCaptioning.Decoding;
using ImageCaptioning.ModelFolder;

namespace ImageCaptioning.Cli.Commands;

/// <summary>
/// `decoding-defaults`: writes a model folder's own default decoding (<c>decoding.json</c>, what `caption`, the API and
/// the web app use when the caller sets nothing) and, for document-frequency re-ranking, <c>cider-df.json</c> counted
/// from the Flickr8k training references (never dev or test); each gets its checksum line. The weights are untouched.
/// </summary>
internal static class DecodingDefaultsCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder to write into.", Required = true };
        var beam = new Option<int>("--beam") { Description = "Beam width.", DefaultValueFactory = _ => DecodingOptions.Default.BeamWidth };
        var nbest = new Option<int>("--nbest") { Description = "Hypotheses kept (and re-ranked) per image.", DefaultValueFactory = _ => DecodingOptions.Default.NBest };
        var rerankWeight = new Option<float>("--rerank-weight") { Description = "λ of consensus re-ranking.", DefaultValueFactory = _ => DecodingOptions.Default.ConsensusLogProbabilityWeight };
        var rerankLengthExponent = new Option<float>("--rerank-length-exponent") { Description = "α of consensus re-ranking (λ · log p / tokensᵅ).", DefaultValueFactory = _ => DecodingOptions.Default.ConsensusLengthExponent };
        var rerankWeighting = new Option<ConsensusWeighting>("--rerank-weighting") { Description = "Uniform or DocumentFrequency (writes cider-df.json from the training references).", DefaultValueFactory = _ => DecodingOptions.Default.ConsensusWeighting };
        var chosen = new Option<string>("--chosen") { Description = "How these values were chosen (kept in decoding.json), e.g. the dev measurement.", Required = true };
        var flickr = new Option<string?>("--flickr8k") { HelpName = "folder", Description = $"Flickr8k folder (default ${CaptioningPaths.Flickr8kDirVariable})." };
        var command = new Command("decoding-defaults", "Write a model folder's own default decoding (decoding.json, and cider-df.json for document-frequency re-ranking).")
        {
            model, beam, nbest, rerankWeight, rerankLengthExponent, rerankWeighting, chosen, flickr,
        };
        beam.CheckedBy(value => DecodingOptions.Default with { BeamWidth = value });
        nbest.CheckedBy(value => DecodingOptions.Default with { NBest = value });
        rerankWeight.CheckedBy(value => DecodingOptions.Default with { ConsensusLogProbabilityWeight = value });
        rerankLengthExponent.CheckedBy(value => DecodingOptions.Default with { ConsensusLengthExponent = value });
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            string folder = Path.GetFullPath(parse.GetValue(model)!);
            var loaded = DecoderModel.Load(folder);   // a damaged folder is refused before anything is written
            var defaults = DecodingOptions.Default with
            {
                BeamWidth = parse.GetValue(beam),
                NBest = parse.GetValue(nbest),
                ConsensusLogProbabilityWeight = parse.GetValue(rerankWeight),
                ConsensusLengthExponent = parse.GetValue(rerankLengthExponent),
                ConsensusWeighting = parse.GetValue(rerankWeighting),
            };
            ConsensusDocumentFrequencies? frequencies = null;
            if (defaults.ConsensusWeighting == ConsensusWeighting.DocumentFrequency)
            {
                var dataset = Flickr8kDataset.Load(parse.GetValue(flickr) ?? CaptioningPaths.FromEnvironment().RequireFlickr8kDirectory(),
                    parse.InvocationConfiguration.Error.WriteLine);
                var train = dataset.Split(DatasetSplit.Train);
                frequencies = ConsensusDocumentFrequencies.FromReferences(
                    train.Select(image => (IReadOnlyList<IReadOnlyList<string>>)[.. dataset.Captions[image].Select(CaptionTokenizer.Tokenize)]),
                    loaded.Vocabulary, $"Flickr8k train references ({train.Count} images)");
                output.WriteLine($"{ConsensusDocumentFrequencies.FileName}: {frequencies.Count:N0} n-grams with df ≥ 2 over {frequencies.Images} training images");
            }
            DecodingFiles.Write(folder, defaults, parse.GetValue(chosen)!, frequencies);
            var reloaded = DecoderModel.Load(folder);   // proves the files and checksums load
            output.WriteLine($"{DecodingFiles.DefaultsFileName}: beam {reloaded.DecodingDefaults.BeamWidth}, n-best {reloaded.DecodingDefaults.NBest}, "
                + $"re-ranking λ {reloaded.DecodingDefaults.ConsensusLogProbabilityWeight}, α {reloaded.DecodingDefaults.ConsensusLengthExponent}, "
                + $"{reloaded.DecodingDefaults.ConsensusWeighting} → {folder}");
            return 0;
        });
        return command;
    }
}
