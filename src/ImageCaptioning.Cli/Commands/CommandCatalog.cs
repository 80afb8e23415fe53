using System.CommandLine;

namespace ImageCaptioning.Cli.Commands;

/// <summary>Every CLI command, in the order `--help` lists them. Add one line per new command.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return InfoCommand.Create();
        yield return Bench.BenchCommand.Create();
    }
}
