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
        var output = new Option<string>("--out") { Description = "The ensemble's model folder (created or replaced).", Required = true };
        var command = new Command("ensemble", "Join trained decoders (same sizes and vocabulary) into one ensemble model folder.") { members, output };
        command.SetAction(parse =>
        {
            string[] folders = parse.GetValue(members)!;
            if (folders.Length < 2) throw new Errors.ImageCaptioningException("An ensemble needs at least two --member folders.");
            var models = folders.Select(DecoderModel.Load).ToArray();
            var vocabulary = models[0].Vocabulary;
            foreach (var (model, folder) in models.Zip(folders).Skip(1))
                if (model.Vocabulary.Count != vocabulary.Count || Enumerable.Range(0, vocabulary.Count).Any(i => model.Vocabulary.WordOf(i) != vocabulary.WordOf(i)))
                    throw new Errors.ImageCaptioningException($"'{folder}' has another vocabulary than '{folders[0]}': decoders of an ensemble must share one.");
            var ensemble = new DecoderModel([.. models.SelectMany(m => m.Members)], vocabulary);
            string outFolder = parse.GetValue(output)!;
            ensemble.Save(outFolder, SafeTensorsFile.StorageType.F16);
            Console.WriteLine($"{outFolder}: an ensemble of {ensemble.Members.Count} decoders ({string.Join(", ", folders)})");
            return 0;
        });
        return command;
    }
}
