using System.Security.Cryptography;

namespace ImageCaptioning.ModelFiles;

/// <summary>
/// Downloads one manifest file into a folder: streamed to a temporary file while hashing, then
/// checked against the manifest's size and SHA-256 and only then moved to its final name, so a
/// half-written or tampered download never sits where a resolver would find it.
/// </summary>
internal sealed class ModelDownloader(HttpClient http)
{
    /// <summary>Why one URL did not give a usable file.</summary>
    public sealed record Failure(string Url, string Reason, bool HashMismatch);

    /// <summary>Tries each URL in order; returns the final path, or the failures when none worked.</summary>
    public async Task<(string? Path, IReadOnlyList<Failure> Failures)> DownloadAsync(
        ModelFileEntry entry, string targetDirectory, IProgress<double>? progress, CancellationToken ct)
    {
        var failures = new List<Failure>();
        foreach (string url in entry.Urls)
        {
            var (path, failure) = await TryUrlAsync(entry, url, targetDirectory, progress, ct);
            if (path is not null)
                return (path, failures);
            failures.Add(failure!);
        }
        return (null, failures);
    }

    private async Task<(string? Path, Failure? Failure)> TryUrlAsync(
        ModelFileEntry entry, string url, string targetDirectory, IProgress<double>? progress, CancellationToken ct)
    {
        string final = Path.Combine(targetDirectory, entry.Name);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!); // names such as "decoder/config.json" live in sub-folders
        string partial = $"{final}.{Guid.NewGuid():N}.partial";
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
                return (null, new Failure(url, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", false));

            long total = response.Content.Headers.ContentLength ?? entry.Size;
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long received = 0;
            await using (var source = await response.Content.ReadAsStreamAsync(ct))
            await using (var target = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await source.ReadAsync(buffer, ct)) > 0)
                {
                    received += read;
                    // A server sending more than the manifest's size is not sending this file; stop early.
                    if (received > entry.Size)
                        return (null, new Failure(url, $"it sent more than the expected {entry.Size:N0} bytes", true));
                    sha.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), ct);
                    progress?.Report(Math.Min(1.0, (double)received / Math.Max(1, total)));
                }
            }

            string hash = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (hash != entry.Sha256 || received != entry.Size)
                return (null, new Failure(url, $"it has SHA-256 {hash} ({received:N0} bytes), not the manifest's {entry.Sha256} ({entry.Size:N0} bytes)", true));

            File.Move(partial, final, overwrite: true);
            return (final, null);
        }
        catch (HttpRequestException ex)
        {
            return (null, new Failure(url, ex.Message, false));
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            // HttpClient reports its own timeout as a cancellation that the caller did not ask for.
            return (null, new Failure(url, $"timed out ({ex.Message})", false));
        }
        finally
        {
            if (File.Exists(partial))
                File.Delete(partial);
        }
    }
}
