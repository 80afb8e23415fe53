using System.Runtime.InteropServices;

namespace ImageCaptioning.Cli.Training;

/// <summary>
/// Runs a training loop so that Ctrl-C and `kill` (SIGTERM) both stop it at the next batch, where it writes a checkpoint
/// and returns normally: the run can then be resumed with the same command.
/// </summary>
internal static class StopSignals
{
    public static T Run<T>(Func<CancellationToken, T> training)
    {
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCtrlC = (_, e) => { e.Cancel = true; cts.Cancel(); };
        Console.CancelKeyPress += onCtrlC;
        try
        {
            using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; cts.Cancel(); });
            return training(cts.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }
    }
}
