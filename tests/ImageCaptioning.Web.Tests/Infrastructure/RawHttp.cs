using System.Net.Sockets;
using System.Text;

namespace ImageCaptioning.Web.Tests.Infrastructure;

/// <summary>
/// HTTP/1.1 by hand over a loopback socket, for what HttpClient will not send: a Content-Length that lies, a
/// truncated multipart body, a body trickled a few bytes at a time, a foreign Host header.
/// </summary>
public sealed class RawHttp : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawHttp(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawHttp> ConnectAsync(Uri server, CancellationToken ct)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(server.Host, server.Port, ct);
        return new RawHttp(tcp);
    }

    /// <summary>A request head: request line, Host, the given headers and the blank line.</summary>
    public static byte[] Head(string method, string path, string host, params string[] headers) =>
        Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\nHost: {host}\r\n" + string.Concat(headers.Select(h => h + "\r\n")) + "\r\n");

    /// <summary>A multipart form with one file field 'image'; <paramref name="close"/> false leaves out the closing boundary.</summary>
    public static byte[] Multipart(string boundary, byte[] file, bool close = true)
    {
        using var body = new MemoryStream();
        body.Write(Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"));
        body.Write(file);
        if (close)
            body.Write(Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n"));
        return body.ToArray();
    }

    public Task SendAsync(byte[] bytes, CancellationToken ct) => _stream.WriteAsync(bytes, ct).AsTask();

    /// <summary>Sends <paramref name="bytes"/> in pieces of <paramref name="chunk"/> bytes, one every <paramref name="interval"/>; stops quietly when the server closes.</summary>
    public async Task TrickleAsync(byte[] bytes, int chunk, TimeSpan interval, CancellationToken ct)
    {
        try
        {
            for (int i = 0; i < bytes.Length; i += chunk)
            {
                await _stream.WriteAsync(bytes.AsMemory(i, Math.Min(chunk, bytes.Length - i)), ct);
                await Task.Delay(interval, ct);
            }
        }
        catch (IOException) { } // the server gave up on us: that is what is being tested
    }

    /// <summary>Reads one response (status, headers, body by Content-Length or chunks, or until close) within <paramref name="timeout"/>.</summary>
    public async Task<RawResponse> ReadResponseAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        var received = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            var parsed = RawResponse.TryParse(received.ToArray(), complete: false);
            if (parsed is not null)
                return parsed;
            int read;
            try
            {
                read = await _stream.ReadAsync(buffer, limit.Token);
            }
            catch (IOException)
            {
                read = 0; // reset by the server: whatever arrived is the answer
            }
            if (read == 0)
                return RawResponse.TryParse(received.ToArray(), complete: true) ?? RawResponse.Closed;
            received.Write(buffer, 0, read);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}

/// <summary>A parsed response; <see cref="Status"/> 0 means the connection closed without one.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public static RawResponse Closed { get; } = new(0, new Dictionary<string, string>(), "");

    public string? ContentType => Headers.GetValueOrDefault("content-type")?.Split(';')[0].Trim();

    public static RawResponse? TryParse(byte[] data, bool complete)
    {
        string text = Encoding.Latin1.GetString(data); // one char per byte, so lengths are byte counts
        int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
            return null;
        string[] lines = text[..end].Split("\r\n");
        int status = int.Parse(lines[0].Split(' ')[1]);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim().ToLowerInvariant()).ToDictionary(g => g.Key, g => g.Last()[1].Trim());
        string rest = text[(end + 4)..];
        if (headers.TryGetValue("content-length", out var length))
            return rest.Length >= int.Parse(length) ? new RawResponse(status, headers, Utf8(rest[..int.Parse(length)])) : null;
        if (headers.GetValueOrDefault("transfer-encoding") == "chunked")
        {
            var body = new StringBuilder();
            int pos = 0;
            while (true)
            {
                int lineEnd = rest.IndexOf("\r\n", pos, StringComparison.Ordinal);
                if (lineEnd < 0) return complete ? new RawResponse(status, headers, Utf8(body.ToString())) : null;
                int size = Convert.ToInt32(rest[pos..lineEnd], 16);
                if (size == 0) return new RawResponse(status, headers, Utf8(body.ToString()));
                if (rest.Length < lineEnd + 2 + size + 2) return complete ? new RawResponse(status, headers, Utf8(body.ToString())) : null;
                body.Append(rest, lineEnd + 2, size);
                pos = lineEnd + 2 + size + 2;
            }
        }
        return complete ? new RawResponse(status, headers, Utf8(rest)) : null;
    }

    private static string Utf8(string latin1) => Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(latin1));
}
