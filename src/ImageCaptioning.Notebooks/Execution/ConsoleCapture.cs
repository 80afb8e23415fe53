using System.Text;

namespace ImageCaptioning.Notebooks.Execution;

/// <summary>
/// Sends <see cref="Console.Out"/> and <see cref="Console.Error"/> of a running cell to that cell's outputs. The
/// console is process-wide, so the redirection is installed once and routes by an <see cref="AsyncLocal{T}"/>:
/// code running for a cell (including tasks and parallel loops it starts) writes to that cell; everything else
/// still reaches the real console. Two notebooks can therefore run at once in one process (as test runners do).
/// </summary>
internal static class ConsoleCapture
{
    private static readonly AsyncLocal<CellOutputCollector?> Current = new();
    private static readonly Lock InstallLock = new();
    private static bool _installed;

    /// <summary>Routes console writes of the current async flow to <paramref name="collector"/> until the scope ends.</summary>
    /// <remarks>Call it in the async method that awaits the cell: an AsyncLocal set there flows into the cell's code.</remarks>
    public static void Route(CellOutputCollector? collector)
    {
        Install();
        Current.Value = collector;
    }

    private static void Install()
    {
        lock (InstallLock)
        {
            if (_installed)
                return;
            Console.SetOut(new RoutingWriter(Console.Out, Format.StreamOutput.StandardOutput));
            Console.SetError(new RoutingWriter(Console.Error, Format.StreamOutput.StandardError));
            _installed = true;
        }
    }

    private sealed class RoutingWriter(TextWriter original, string streamName) : TextWriter
    {
        public override Encoding Encoding => original.Encoding;

        public override void Write(char value) => Write(value.ToString());

        public override void Write(string? value)
        {
            if (Current.Value is { } collector)
                collector.Write(streamName, value ?? "");
            else
                original.Write(value);
        }

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void WriteLine(string? value) => Write(value + "\n");

        public override void WriteLine() => Write("\n");

        public override void Flush()
        {
            if (Current.Value is null)
                original.Flush();
        }
    }
}
