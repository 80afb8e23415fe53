using System.CommandLine;

namespace ImageCaptioning.Cli.Commands.Bench;

/// <summary>
/// `bench &lt;what&gt;`: speed measurements that print medians (never timed unit tests).
/// Each benchmark is a subcommand in this folder, registered in <see cref="Create"/>.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Measure speed: prints medians and ratios on this machine.");
        // One line per benchmark subcommand, e.g. command.Subcommands.Add(BenchGemmCommand.Create());
        command.Subcommands.Add(BenchEncoderCommand.Create());
        command.Subcommands.Add(BenchTrainStepCommand.Create());
        command.Subcommands.Add(BenchMetricsCommand.Create());
        command.Subcommands.Add(BenchGemmCommand.Create());
        command.Subcommands.Add(BenchDecoderCommand.Create());
        command.Subcommands.Add(BenchFeatureCacheCommand.Create());
        command.Subcommands.Add(BenchWebCommand.Create());
        command.Subcommands.Add(BenchSoakCommand.Create());
        return command;
    }
}
