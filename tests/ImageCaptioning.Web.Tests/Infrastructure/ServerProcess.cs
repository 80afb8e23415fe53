using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ImageCaptioning.Web.Tests.Infrastructure;

/// <summary>
/// The web app as users run it: its own process (<c>dotnet ImageCaptioning.Web.dll</c>) on a free loopback port,
/// so its memory can be measured alone (/proc/&lt;pid&gt;/status). Killed on dispose.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        BaseAddress = address;
    }

    public Uri BaseAddress { get; }

    public static async Task<ServerProcess> StartAsync(IEnumerable<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ImageCaptioning.Web.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var errors = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (OpenLine().Match(line) is { Success: true } match)
                {
                    _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None); // keep the pipe drained
                    var server = new ServerProcess(process, new Uri(match.Groups[1].Value + "/"));
                    await server.WaitUntilReadyAsync(timeout.Token);
                    return server;
                }
            }
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"the server exited before listening: {await errors}");
    }

    private async Task WaitUntilReadyAsync(CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        while (true)
        {
            using var health = await client.GetAsync("/api/health", ct);
            if (health.IsSuccessStatusCode)
                return;
            Assert.False(_process.HasExited, "the server stopped while loading its model");
            await Task.Delay(200, ct);
        }
    }

    /// <summary>A figure from /proc/&lt;pid&gt;/status in bytes, e.g. <c>VmHWM</c> (peak resident set) or <c>VmRSS</c>.</summary>
    public long StatusBytes(string field)
    {
        string line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(':')[1].Trim().Split(' ')[0]) * 1024;
    }

    [GeneratedRegex(@"open (http://127\.0\.0\.1:\d+)/ in a browser")]
    private static partial Regex OpenLine();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
