using System.CommandLine;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Training;

namespace ImageCaptioning.Cli.Commands;

/// <summary>
/// `export-checkpoint`: writes the weights a run's checkpoint holds now (rather than its best so far) as a model
/// folder, with the config and vocabulary of the model the run trains; a run with --average-decay exports its moving average.
/// </summary>
internal static class ExportCheckpointCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A run's checkpoint.safetensors.", Required = true };
        var like = new Option<string>("--like") { Description = "A model folder with the same config and vocabulary.", Required = true };
        var output = new Option<string>("--out") { Description = "The model folder to write.", Required = true };
        var command = new Command("export-checkpoint", "Write a training checkpoint's current weights (their moving average, if the run keeps one) as a model folder.") { checkpoint, like, output };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(checkpoint)!;
            if (!File.Exists(path)) throw new Errors.ImageCaptioningException($"No checkpoint at '{path}'.");
            var template = DecoderModel.Load(parse.GetValue(like)!);
            var parameters = new DecoderParameters(template.Config);
            var state = TrainingCheckpoint.LoadWeights(path, parameters, out float? averageDecay);
            new DecoderModel(parameters, template.Vocabulary).Save(parse.GetValue(output)!, SafeTensorsFile.StorageType.F16);
            string which = averageDecay is { } decay ? $"moving average (decay {decay}) of the weights" : "weights";
            Console.WriteLine($"{parse.GetValue(output)}: {which} of step {state.Step} (epoch {state.Epoch}, batch {state.BatchInEpoch})");
            return 0;
        });
        return command;
    }
}
