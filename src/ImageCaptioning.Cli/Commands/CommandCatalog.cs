using System.CommandLine;

namespace ImageCaptioning.Cli.Commands;

/// <summary>Every CLI command, in the order `--help` lists them. Add one line per new command.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return InfoCommand.Create();
        yield return ModelsCommand.Create();
        yield return ClassifyCommand.Create();
        yield return TagTableCommand.Create();
        yield return ExtractCommand.Create();
        yield return VocabCommand.Create();
        yield return CaptionCommand.Create();
        yield return EvaluateCommand.Create();
        yield return EvaluateSubjectsCommand.Create();
        yield return OodCalibrateCommand.Create();
        yield return TrainCommand.Create();
        yield return TrainScstCommand.Create();
        yield return EnsembleCommand.Create();
        yield return DecodingDefaultsCommand.Create();
        yield return ExportCheckpointCommand.Create();
    }
}
