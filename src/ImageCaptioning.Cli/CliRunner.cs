using System.CommandLine;
using ImageCaptioning.Errors;

namespace ImageCaptioning.Cli;

/// <summary>
/// Runs the parsed command and turns expected failures into one readable line on stderr and a
/// non-zero exit code (1 = the input or files were bad, 2 = usage). Stack traces are for bugs only,
/// and even then only with IMAGECAPTIONING_DEBUG=1.
/// </summary>
internal static class CliRunner
{
    public const int ExitBadInput = 1;
    public const int ExitUsage = 2;
    public const int ExitBug = 70;

    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        try
        {
            // Our handler, not System.CommandLine's (which prints a stack trace for every exception).
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex)
        {
            return Report(ex);
        }
    }

    /// <summary>Prints one line for <paramref name="ex"/> and returns the exit code.</summary>
    public static int Report(Exception ex)
    {
        switch (ex)
        {
            case ImageCaptioningException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException:
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitBadInput;
            case OperationCanceledException:
                Console.Error.WriteLine("error: cancelled.");
                return 130;
            default:
                Console.Error.WriteLine($"error: unexpected {ex.GetType().Name}: {ex.Message}");
                if (Environment.GetEnvironmentVariable("IMAGECAPTIONING_DEBUG") == "1")
                    Console.Error.WriteLine(ex);
                return ExitBug;
        }
    }
}
