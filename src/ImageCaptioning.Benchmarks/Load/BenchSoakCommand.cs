using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using ImageCaptioning.Configuration;
using ImageCaptioning.Decoding;
using ImageCaptioning.Web;
using ImageCaptioning.Web.Configuration;
using ImageCaptioning.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

using ImageCaptioning.Cli;

namespace ImageCaptioning.Benchmarks.Load;

/// <summary>
/// `bench soak`: the web API under attack. An in-process server on a free loopback port is loaded by N normal caption
/// clients for a quiet phase, then again for the same time while M slow-loris clients trickle uploads just above
/// Kestrel's minimum data rate (reconnecting whenever they are cut off) and F clients flood the flag endpoint.
/// Prints, per phase, captions served, errors, p50/p99 and the p99 ratio to the quiet phase, plus peak resident set,
/// what the flood got (201 / 429 / 507) and the bytes it wrote. Done when: no errors and hostile p99 ≤ 2 × quiet p99.
/// </summary>
internal static class BenchSoakCommand
{
    public static Command Create()
    {
        var seconds = new Option<int>("--seconds") { Description = "Duration of each phase, quiet and hostile (5–600).", DefaultValueFactory = _ => 60 };
        var clients = new Option<int>("--clients") { Description = "Normal caption clients (1–256).", DefaultValueFactory = _ => 16 };
        var slow = new Option<int>("--slow") { Description = "Slow-loris clients (0–1024).", DefaultValueFactory = _ => 64 };
        var flooders = new Option<int>("--flag-flood") { Description = "Clients flooding /api/flag (0–64).", DefaultValueFactory = _ => 4 };
        var image = new Option<string?>("--image") { Description = "Image the normal clients post (default: the first Flickr8k image, else the built-in cat example)." };
        var beam = new Option<int>("--beam") { Description = "beamWidth sent with each caption request (default: the default decoding's beam)", DefaultValueFactory = _ => DecodingOptions.Default.BeamWidth };
        var model = new Option<string?>("--model") { Description = "Decoder model folder (default: the shipped model)." };
        var command = new Command("soak", "The web API under slow-loris uploads and a flag flood: N normal clients keep captioning; served, errors, p50/p99 vs quiet, peak RSS, bytes written.")
        {
            seconds, clients, slow, flooders, image, beam, model,
        };
        command.SetAction(async (parse, ct) =>
        {
            int duration = parse.GetValue(seconds), normal = parse.GetValue(clients), loris = parse.GetValue(slow), flood = parse.GetValue(flooders);
            if (duration is < 5 or > 600 || normal is < 1 or > 256 || loris is < 0 or > 1024 || flood is < 0 or > 64)
            {
                Console.Error.WriteLine("error: --seconds must be 5–600, --clients 1–256, --slow 0–1024, --flag-flood 0–64.");
                return CliRunner.ExitUsage;
            }
            var paths = CaptioningPaths.FromEnvironment();
            string imagePath = parse.GetValue(image) ?? BenchWebCommand.DefaultImage(paths);
            var load = new BenchWebCommand.LoadSettings(normal, TimeSpan.FromSeconds(duration), parse.GetValue(beam), 20,
                await File.ReadAllBytesAsync(imagePath, ct), Path.GetFileName(imagePath));
            string flagFolder = Path.Combine(Path.GetTempPath(), $"bench-soak-flags-{Guid.NewGuid():N}");
            try
            {
                var args = new List<string> { "--urls", "http://127.0.0.1:0", "--flag-dir", flagFolder };
                if (parse.GetValue(model) is { } folder)
                    args.AddRange(["--model", Path.GetFullPath(folder)]);
                await using var app = await LoopbackServer.StartAsync([.. args],
                    builder => builder.Logging.AddFilter("ImageCaptioning", LogLevel.Warning).AddFilter("Microsoft", LogLevel.Warning), // refusals of the attack are expected
                    hint: "", ct);
                if (app is null)
                    return CliRunner.ExitBadInput;
                var host = app.Services.GetRequiredService<CaptionerHost>();
                var options = app.Services.GetRequiredService<IOptions<WebOptions>>().Value;
                var server = new Uri(app.Urls.First());
                Console.WriteLine($"server      in-process Kestrel at {server}, model '{host.Info!.Name}', concurrency {options.EffectiveConcurrency}, queue {options.QueueLimit}, " +
                                  $"body deadline {options.BodyTimeoutSeconds:0.#} s, minimum body rate {options.MinBodyBytesPerSecond:0} B/s, flags {options.FlagRequestsPerMinute}/min per client");
                Console.WriteLine($"load        {normal} normal clients (POST /api/caption?beamWidth={load.BeamWidth}, {load.ImageName}, {load.Image.Length:N0} bytes); " +
                                  $"hostile phase adds {loris} slow-loris uploads and {flood} flag flooders; {duration} s per phase; {Environment.ProcessorCount} logical cores");
                return await RunAsync(server, load, loris, flood, flagFolder, ct);
            }
            finally
            {
                if (Directory.Exists(flagFolder))
                    Directory.Delete(flagFolder, recursive: true);
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(Uri server, BenchWebCommand.LoadSettings load, int loris, int flood, string flagFolder, CancellationToken ct)
    {
        var endpoint = new Uri(server, $"/api/caption?beamWidth={load.BeamWidth}&maxLength={load.MaxLength}");
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = load.Clients, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

        await BenchWebCommand.LoadAsync(http, endpoint, load with { Duration = TimeSpan.FromSeconds(3) }, ct);
        await BenchWebCommand.WarmUntilJitQuietAsync(http, endpoint, load, ct);

        using var quietPeak = new PeakRss();
        var quiet = await BenchWebCommand.LoadAsync(http, endpoint, load, ct);
        long quietRss = quietPeak.Stop();

        using var attack = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var slowStats = new StatusTally("closed");
        var floodStats = new StatusTally("failed");
        using var hostilePeak = new PeakRss();
        var slowTasks = Enumerable.Range(0, loris).Select(i => SlowLorisAsync(server, i, slowStats, attack.Token)).ToList();
        var floodTasks = Enumerable.Range(0, flood).Select(_ => FlagFloodAsync(server, floodStats, attack.Token)).ToList();
        await Task.Delay(TimeSpan.FromSeconds(2), ct); // let every slow upload be under way before measuring
        var hostile = await BenchWebCommand.LoadAsync(http, endpoint, load, ct);
        await attack.CancelAsync();
        await Task.WhenAll(slowTasks.Concat(floodTasks));
        long hostileRss = hostilePeak.Stop();

        long written = Directory.Exists(flagFolder)
            ? Directory.EnumerateFiles(flagFolder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length)
            : 0;
        var quietFigures = BenchWebCommand.PhaseFigures.Of(quiet);
        var hostileFigures = BenchWebCommand.PhaseFigures.Of(hostile);
        double quietP99 = quietFigures.P99Ms, hostileP99 = hostileFigures.P99Ms;
        Console.WriteLine();
        Console.WriteLine("phase       served   req/s   errors   p50 ms   p99 ms   peak RSS");
        Row("quiet", quietFigures, quiet, quietRss);
        Row("hostile", hostileFigures, hostile, hostileRss);
        Console.WriteLine($"p99 ratio   hostile / quiet = {hostileP99 / quietP99:F2}");
        Console.WriteLine($"slow-loris  {slowStats.Connections:N0} connections; ended by the server: {slowStats.Describe()}");
        Console.WriteLine($"flag flood  {floodStats.Total:N0} requests: {floodStats.Describe()}; {written:N0} bytes written to the flag folder");
        bool met = quiet.Errors == 0 && hostile.Errors == 0 && hostileP99 <= 2 * quietP99;
        Console.WriteLine($"done-when   no errors and hostile p99 ≤ 2 × quiet p99: {(met ? "met" : "MISSED")}");
        return met ? 0 : 1;
    }

    private static void Row(string phase, BenchWebCommand.PhaseFigures figures, BenchWebCommand.LoadResult result, long peakRss) =>
        Console.WriteLine($"{phase,-10}  {figures.Ok,6:N0}  {figures.RequestsPerSecond,6:F1}   {figures.Errors,6}   " +
                          $"{figures.P50Ms,6:F0}   {figures.P99Ms,6:F0}   {peakRss / (1024 * 1024),5} MB" +
                          (figures.Errors == 0 ? "" : $"   ({result.DescribeErrors()})"));

    /// <summary>
    /// One slow-loris client: announces a 64 KB multipart upload and sends it 1.5 KB a second (above Kestrel's minimum
    /// rate, so only the server's body deadline can end it); when cut off it reconnects and starts again.
    /// </summary>
    private static async Task SlowLorisAsync(Uri server, int index, StatusTally stats, CancellationToken ct)
    {
        const string boundary = "soakboundary";
        byte[] body = Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"slow{index}.jpg\"\r\n\r\n")
            .Concat(new byte[64 * 1024]).ToArray();
        byte[] head = Encoding.ASCII.GetBytes($"POST /api/caption HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n" +
                                              $"Content-Length: {body.Length + boundary.Length + 8}\r\n\r\n");
        while (!ct.IsCancellationRequested)
        {
            using var tcp = new TcpClient { NoDelay = true };
            try
            {
                await tcp.ConnectAsync(server.Host, server.Port, ct);
                var stream = tcp.GetStream();
                Interlocked.Increment(ref stats.Connections);
                await stream.WriteAsync(head, ct);
                var answer = ReadStatusAsync(stream, ct);
                for (int sent = 0; sent < body.Length && !answer.IsCompleted; sent += 1536)
                {
                    await stream.WriteAsync(body.AsMemory(sent, Math.Min(1536, body.Length - sent)), ct);
                    await Task.WhenAny(answer, Task.Delay(1000, ct));
                }
                stats.Record(await answer);
            }
            catch (Exception ex) when (ex is IOException or SocketException && !ct.IsCancellationRequested)
            {
                stats.Record(0);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>The status code of the response on <paramref name="stream"/>, or 0 when the server closes without one.</summary>
    private static async Task<int> ReadStatusAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[1024];
        var received = new StringBuilder();
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, ct)) > 0)
            {
                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
                string text = received.ToString();
                if (text.Contains("\r\n", StringComparison.Ordinal))
                    return int.TryParse(text.Split(' ')[1], out int status) ? status : 0;
            }
        }
        catch (IOException) { }
        return 0;
    }

    /// <summary>One flag flooder: posts a small valid flag in a loop as fast as the server answers.</summary>
    private static async Task FlagFloodAsync(Uri server, StatusTally stats, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        byte[] png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==");
        while (!ct.IsCancellationRequested)
        {
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(png);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(file, "image", "flood.png");
            form.Add(new StringContent("flood"), "caption");
            try
            {
                using var response = await http.PostAsync("/api/flag", form, ct);
                stats.Record((int)response.StatusCode);
            }
            catch (Exception ex) when (ex is HttpRequestException && !ct.IsCancellationRequested)
            {
                stats.Record(0);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>How the attack's requests ended, by HTTP status (0 = no answer: <paramref name="unanswered"/>), counted from many clients at once.</summary>
    private sealed class StatusTally(string unanswered)
    {
        /// <summary>Connections opened (the slow-loris clients count their reconnects here).</summary>
        public int Connections;
        private readonly Lock _lock = new();
        private readonly SortedDictionary<int, int> _statuses = [];

        public void Record(int status)
        {
            lock (_lock) _statuses[status] = _statuses.GetValueOrDefault(status) + 1;
        }

        public int Total
        {
            get { lock (_lock) return _statuses.Values.Sum(); }
        }

        public string Describe()
        {
            lock (_lock)
                return _statuses.Count == 0 ? "none yet"
                    : string.Join(", ", _statuses.Select(s => s.Key == 0 ? $"{unanswered} {s.Value}" : $"HTTP {s.Key} × {s.Value}"));
        }
    }

    /// <summary>The highest resident set (VmRSS) of this process, sampled every 50 ms until <see cref="Stop"/>.</summary>
    private sealed class PeakRss : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _sampler;
        private long _peak;

        public PeakRss() => _sampler = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                using (var process = Process.GetCurrentProcess())
                    _peak = Math.Max(_peak, process.WorkingSet64);
                await Task.Delay(50).ConfigureAwait(false);
            }
        });

        public long Stop()
        {
            _stop.Cancel();
            _sampler.Wait();
            return _peak;
        }

        public void Dispose()
        {
            if (!_stop.IsCancellationRequested) Stop();
            _stop.Dispose();
        }
    }
}
