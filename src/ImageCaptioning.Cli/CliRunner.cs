using System.CommandLine;
using System.CommandLine.Parsing;
using ImageCaptioning.Errors;

namespace ImageCaptioning.Cli;

/// <summary>
/// Runs the parsed command and turns expected failures into one line on stderr and an exit code (1 = bad input or
/// files, 2 = usage); every command's exceptions end here. Stack traces only for bugs, with IMAGECAPTIONING_DEBUG=1.
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
            var parse = root.Parse(args);
            var usageErrors = UsageErrors(parse);
            if (usageErrors.Count > 0)
            {
                foreach (string message in usageErrors)
                    Console.Error.WriteLine($"error: {message}");
                Console.Error.WriteLine($"Run '{string.Join(' ', CommandPath(parse))} --help' for usage.");
                return ExitUsage;
            }
            // Our handler, not System.CommandLine's (which prints a stack trace for every exception).
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex)
        {
            return Report(ex);
        }
    }

    /// <summary>
    /// The parser's errors, plus every option-like word it took as a value (System.CommandLine hands `--bogus` to a file
    /// list): a word starting with '-' that is neither a number nor an existing path, before any `--`.
    /// </summary>
    internal static IReadOnlyList<string> UsageErrors(ParseResult parse)
    {
        var errors = parse.Errors.Select(e => e.Message).ToList();
        foreach (var token in parse.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
                break;
            string value = token.Value;
            if (token.Type == TokenType.Argument && value.Length > 1 && value[0] == '-'
                && !double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _) && !Path.Exists(value))
                errors.Add($"unknown option '{value}'.");
        }
        return errors;
    }

    private static IEnumerable<string> CommandPath(ParseResult parse)
    {
        var names = new Stack<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            names.Push(result.Command.Name);
        return names;
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
