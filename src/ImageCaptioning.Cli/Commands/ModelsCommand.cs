using System.CommandLine;
using ImageCaptioning.Configuration;
using ImageCaptioning.ModelFiles;

namespace ImageCaptioning.Cli.Commands;

/// <summary>
/// `models list` / `models verify`: every file of models/manifest.json — where it would be taken from (configured folder,
/// checkout, the app's packaged copy, cache) or that it is missing and how it would be obtained. `verify` also checks
/// each copy's SHA-256 and exits 1 when anything is missing or wrong. Neither downloads.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var list = new Command("list", "List the model files: size, where each is found, or that it is missing.");
        list.SetAction((parse, ct) => RunAsync(CaptioningPaths.FromEnvironment(), checkHashes: false, parse.InvocationConfiguration.Output, ct));
        var verify = new Command("verify", "Check every model file found against its SHA-256 (exit code 1 if one is missing or wrong).");
        verify.SetAction((parse, ct) => RunAsync(CaptioningPaths.FromEnvironment(), checkHashes: true, parse.InvocationConfiguration.Output, ct));
        return new Command("models", "What model files there are and where they come from (models/manifest.json).") { list, verify };
    }

    internal static async Task<int> RunAsync(CaptioningPaths paths, bool checkHashes, TextWriter output, CancellationToken ct)
    {
        var store = new ModelStore(paths);
        var statuses = await store.InspectAsync(checkHashes, ct);
        int width = statuses.Max(s => s.Entry.Name.Length);
        foreach (var status in statuses)
        {
            var entry = status.Entry;
            string state = (status.Present, checkHashes) switch
            {
                (false, _) => "missing",
                (true, false) => "found",
                (true, true) when status.Verified => "ok",
                _ => "WRONG HASH",
            };
            string detail = status.Present
                ? $"{status.Location!.Value.ToString().ToLowerInvariant(),-10} {status.Path}"
                : entry.Urls.Count > 0
                    ? $"downloads on first use from {entry.Urls[0]}"
                    : $"no download: put it in {CaptioningPaths.ModelsDirVariable} or the cache";
            output.WriteLine($"{entry.Name.PadRight(width)}  {entry.Size,12:N0}  {state,-10}  {detail}");
            if (status.HashMismatch)
                output.WriteLine($"{"".PadRight(width)}  SHA-256 {status.Sha256}, expected {entry.Sha256}");
        }
        output.WriteLine($"cache: {paths.ModelCacheDirectory}");
        int missing = statuses.Count(s => !s.Present), wrong = statuses.Count(s => s.HashMismatch);
        output.WriteLine(missing + wrong == 0
            ? $"{statuses.Count} files, all {(checkHashes ? "present and verified" : "present")}."
            : $"{statuses.Count} files: {missing} missing, {wrong} with a wrong hash.");
        return checkHashes && missing + wrong > 0 ? CliRunner.ExitBadInput : 0;
    }
}
