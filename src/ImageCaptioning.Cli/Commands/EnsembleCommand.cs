using System.CommandLine;
using ImageCaptioning.ModelFolder;

namespace ImageCaptioning.Cli.Commands;

/// <summary>
/// `ensemble`: joins separately trained decoders of the same sizes and vocabulary into one model folder
/// (decoder.safetensors, decoder-2.safetensors, …) that decodes with their averaged probabilities.
/// </summary>
internal static class EnsembleCommand
{
    public static Command Create()
    {
        var members = new Option<string[]>("--member") { Description = "A model folder to include (two or more, in order).", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "The ensemble's model folder (created, or replaced if it holds only files `ensemble` writes).", Required = true };
        var replace = new Option<bool>("--replace") { Description = "Empty an existing --out folder first, even if it holds other files (a shipped folder's ood-reference, training.json, a hand-written card)." };
        var projection = new Option<string?>("--image-projection")
        {
            Description = "How the loaded model projects each image's grid: float32 (the members' own choice when omitted) or int8 (faster, approximate; config.json's image_projection).",
        };
        projection.AcceptOnlyFromAmong(Model.DecoderConfig.Float32ImageProjectionName, Model.DecoderConfig.Int8ImageProjectionName);
        var stepWeights = new Option<string?>("--step-weights")
        {
            Description = "What the loaded model's steps read for a single image: float32, float16 (when omitted: float16, exact for the F16 file) or int8 (faster, approximate; config.json's step_weights).",
        };
        stepWeights.AcceptOnlyFromAmong(Model.DecoderConfig.StepWeightsNames);
        var command = new Command("ensemble", "Join trained decoders (same sizes and vocabulary) into one ensemble model folder.") { members, output, replace, projection, stepWeights };
        command.SetAction(parse =>
        {
            var ensemble = Run(parse.GetValue(members)!, parse.GetValue(output)!, parse.GetValue(replace), parse.GetValue(projection), parse.GetValue(stepWeights));
            Console.WriteLine($"{parse.GetValue(output)}: an ensemble of {ensemble.Members.Count} decoders ({string.Join(", ", parse.GetValue(members)!)})");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Loads the members, checks they share a vocabulary, and saves their ensemble to <paramref name="outFolder"/>, with
    /// config.json's <c>image_projection</c> set to <paramref name="imageProjection"/> and its <c>step_weights</c> to
    /// <paramref name="stepWeights"/> unless null.
    /// </summary>
    /// <exception cref="Errors.ImageCaptioningException">Fewer than two members, different vocabularies, or an --out folder
    /// holding files this command would orphan or overwrite without <paramref name="replace"/>.</exception>
    public static DecoderModel Run(IReadOnlyList<string> folders, string outFolder, bool replace, string? imageProjection = null,
        string? stepWeights = null)
    {
        if (folders.Count < 2) throw new Errors.ImageCaptioningException("An ensemble needs at least two --member folders.");
        var models = folders.Select(DecoderModel.Load).ToArray();
        var vocabulary = models[0].Vocabulary;
        foreach (var (model, folder) in models.Zip(folders).Skip(1))
            if (model.Vocabulary.Count != vocabulary.Count || Enumerable.Range(0, vocabulary.Count).Any(i => model.Vocabulary.WordOf(i) != vocabulary.WordOf(i)))
                throw new Errors.ImageCaptioningException($"'{folder}' has another vocabulary than '{folders[0]}': decoders of an ensemble must share one.");
        var decoders = models.SelectMany(m => m.Members);
        if (imageProjection is not null) decoders = decoders.Select(member => WithConfig(member, member.Config with { ImageProjection = imageProjection }));
        if (stepWeights is not null) decoders = decoders.Select(member => WithConfig(member, member.Config with { StepWeights = stepWeights }));
        var ensemble = new DecoderModel([.. decoders], vocabulary);

        if (Directory.Exists(outFolder))
        {
            // Files Save does not write would survive without a checksum line (an ood-reference then fails to load) or describe other decoders.
            var others = Directory.EnumerateFileSystemEntries(outFolder).Select(Path.GetFileName).OfType<string>()
                .Where(name => !DecoderModel.IsSavedFileName(name)).Order(StringComparer.Ordinal).ToArray();
            if (others.Length > 0 && !replace)
                throw new Errors.ImageCaptioningException(
                    $"'{outFolder}' already holds {string.Join(", ", others)}, which `ensemble` does not write: choose a new --out, or add --replace to empty the folder first.");
            if (replace)
                foreach (string entry in Directory.EnumerateFileSystemEntries(outFolder))
                    if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true); else File.Delete(entry);
        }
        ensemble.Save(outFolder, SafeTensorsFile.StorageType.F16);
        return ensemble;
    }

    /// <summary>The same weights under <paramref name="config"/> (the member's own with a loading choice changed).</summary>
    private static Model.DecoderParameters WithConfig(Model.DecoderParameters member, Model.DecoderConfig config)
    {
        var copy = new Model.DecoderParameters(config);
        copy.CopyFrom(member);
        return copy;
    }
}
