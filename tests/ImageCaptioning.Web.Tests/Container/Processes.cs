using System.Diagnostics;
using System.Text;

namespace ImageCaptioning.Web.Tests.Container;

/// <summary>Child processes for the container tests: run to completion with a timeout, or find the dotnet host.</summary>
public static class Processes
{
    /// <summary>The dotnet executable running these tests (the image's "dotnet" stands for it).</summary>
    public static string DotnetHost()
    {
        string? fromHost = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (fromHost is not null && File.Exists(fromHost))
            return fromHost;
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(folder, "dotnet");
            if (File.Exists(candidate))
                return candidate;
        }
        throw new InvalidOperationException("dotnet was not found on PATH.");
    }

    /// <summary>Runs a program to its end (killed after <paramref name="timeout"/>); returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, IEnumerable<string> arguments, string workingDirectory,
        TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        if (environment is not null)
        {
            start.Environment.Clear();
            foreach (var (key, value) in environment)
                start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {timeout}.");
        }
        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
    }
}
