using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using ImageCaptioning.Configuration;
using ImageCaptioning.Data;
using ImageCaptioning.Decoding;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Web;
using ImageCaptioning.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using ImageCaptioning.Cli;
using ImageCaptioning.Benchmarks.Harness;

namespace ImageCaptioning.Benchmarks.Load;

/// <summary>
/// `bench web`: N loopback clients post a real image to /api/caption for a bounded time, in several measured phases;
/// prints each phase's requests/s, latency percentiles and errors by kind, then the median and range over the phases
/// (which the targets are checked on), and memory before/after. Starts the app on a free loopback port unless --url names one.
/// </summary>
internal static class BenchWebCommand
{
    public static Command Create()
    {
        var url = new Option<string?>("--url") { Description = "A running demo to load (loopback only), e.g. http://127.0.0.1:5000. Default: start one in-process." };
        var seconds = new Option<int>("--seconds") { Description = "Measured duration of each phase (1–600).", DefaultValueFactory = _ => 60 };
        var phases = new Option<int>("--phases") { Description = "Measured phases, one after another; the median and range over them are reported (1–20).", DefaultValueFactory = _ => 3 };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients (1–256).", DefaultValueFactory = _ => 16 };
        var image = new Option<string?>("--image") { Description = "Image to post (default: the first Flickr8k image, else the built-in cat example)." };
        var beam = new Option<int>("--beam") { Description = "beamWidth sent with each request (default: the default decoding's beam)", DefaultValueFactory = _ => DecodingOptions.Default.BeamWidth };
        var maxLength = new Option<int>("--max-length") { Description = "maxLength sent with each request.", DefaultValueFactory = _ => 20 };
        var model = new Option<string?>("--model") { Description = "In-process server: decoder model folder (default: the shipped model)." };
        var random = new Option<bool>("--random") { Description = "In-process server: a random decoder of the real sizes (before a trained one exists)." };
        var concurrency = new Option<int>("--concurrency") { Description = "In-process server: captions computed at once (0 = one per core)." };
        var encoderThreads = new Option<int>("--encoder-threads") { Description = "In-process server: ONNX Runtime threads per encoder call.", DefaultValueFactory = _ => 1 };
        var maxBatch = new Option<int>("--max-batch") { Description = "In-process server: most waiting requests captioned together (1 = each alone; 0 = the server's default)." };
        var command = new Command("web", "Load test of the web API: N loopback clients for a bounded time; req/s, p50/p99 latency, errors, memory.")
        {
            url, seconds, phases, clients, image, beam, maxLength, model, random, concurrency, encoderThreads, maxBatch,
        };
        command.SetAction(async (parse, ct) =>
        {
            // Checked here rather than in a validator, which does not see the options' default values.
            if (UsageProblem(parse.GetValue(seconds), parse.GetValue(phases), parse.GetValue(clients), parse.GetValue(url)) is { } problem)
            {
                Console.Error.WriteLine($"error: {problem}");
                return CliRunner.ExitUsage;
            }
            var paths = CaptioningPaths.FromEnvironment();
            string imagePath = parse.GetValue(image) ?? DefaultImage(paths);
            byte[] imageBytes = await File.ReadAllBytesAsync(imagePath, ct);
            var load = new LoadSettings(parse.GetValue(clients), TimeSpan.FromSeconds(parse.GetValue(seconds)),
                parse.GetValue(beam), parse.GetValue(maxLength), imageBytes, Path.GetFileName(imagePath), parse.GetValue(phases));

            if (parse.GetValue(url) is { } target)
            {
                Console.WriteLine($"server      {target} (another process: its memory is not measured here)");
                return await RunAsync(new Uri(target), load, services: null, ct);
            }

            string? temporaryModel = null;
            string? modelFolder = parse.GetValue(model);
            if (parse.GetValue(random))
                modelFolder = temporaryModel = WriteRandomModel();
            try
            {
                await using var app = await LoopbackServer.StartAsync(ServerArgs(modelFolder, parse.GetValue(concurrency), parse.GetValue(encoderThreads), parse.GetValue(maxBatch)),
                    builder => builder.Logging.SetMinimumLevel(LogLevel.Warning), " (use --model <folder> or --random)", ct);
                if (app is null)
                    return CliRunner.ExitBadInput;
                var info = app.Services.GetRequiredService<CaptionerHost>().Info!;
                Console.WriteLine($"server      in-process Kestrel at {app.Urls.First()}, model '{info.Name}' (H={info.Decoder.HiddenDim}, V={info.VocabularySize}{(temporaryModel is null ? "" : ", random weights")})");
                return await RunAsync(new Uri(app.Urls.First()), load, services: app.Services, ct);
            }
            finally
            {
                if (temporaryModel is not null)
                    Directory.Delete(temporaryModel, recursive: true);
            }
        });
        return command;
    }

    internal sealed record LoadSettings(int Clients, TimeSpan Duration, int BeamWidth, int MaxLength, byte[] Image, string ImageName, int Phases = 1);

    private static async Task<int> RunAsync(Uri server, LoadSettings load, IServiceProvider? services, CancellationToken ct)
    {
        var endpoint = new Uri(server, $"/api/caption?beamWidth={load.BeamWidth}&maxLength={load.MaxLength}");
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = load.Clients, UseProxy = false })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        var settings = services?.GetService<Microsoft.Extensions.Options.IOptions<Web.Configuration.WebOptions>>()?.Value;
        Console.WriteLine($"load        {load.Clients} clients × {load.Duration.TotalSeconds:F0} s × {load.Phases} phase(s), POST {endpoint.PathAndQuery}, image {load.ImageName} ({load.Image.Length:N0} bytes)"
            + (settings is null ? "" : $", server concurrency {settings.EffectiveConcurrency}, queue {settings.QueueLimit}, batches of up to {settings.MaxBatch}, encoder threads {settings.EncoderThreads}"));
        Console.WriteLine($"machine     {Environment.ProcessorCount} logical cores");

        // Warm-up: JIT, ONNX Runtime's first runs, connection pool; then the "before" memory reading.
        var warmup = await LoadAsync(http, endpoint, load with { Duration = TimeSpan.FromSeconds(Math.Min(3, load.Duration.TotalSeconds)) }, ct);
        if (warmup.Ok == 0)
        {
            Console.Error.WriteLine($"error: no request succeeded during the warm-up ({warmup.DescribeErrors()}).");
            return CliRunner.ExitBadInput;
        }
        if (services is not null) await WarmUntilJitQuietAsync(http, endpoint, load, ct);
        var before = MemoryReading.Take();

        var phases = new List<PhaseFigures>();
        Console.WriteLine();
        for (int phase = 1; phase <= load.Phases && !ct.IsCancellationRequested; phase++)
        {
            var run = await LoadAsync(http, endpoint, load, ct);
            var figures = PhaseFigures.Of(run);
            phases.Add(figures);
            Console.WriteLine($"phase {phase,-5} {figures.Ok:N0} answered 200 in {run.Elapsed.TotalSeconds:F1} s → {figures.RequestsPerSecond:F1} req/s; " +
                              $"p50 {figures.P50Ms:F1} ms, p90 {figures.P90Ms:F1} ms, p99 {figures.P99Ms:F1} ms, max {figures.MaxMs:F1} ms; " +
                              $"errors {run.Errors}{(run.Errors == 0 ? "" : $" ({run.DescribeErrors()})")}");
        }
        var after = MemoryReading.Take();
        Report(PhaseSummary.Of(phases), before, after, measured: services is not null);
        return phases.All(p => p.Errors == 0) ? 0 : 1;
    }

    /// <summary>
    /// In-process server only (the JIT counter is this process's): keeps loading in 1 s rounds until a round compiles no
    /// method (at most <see cref="BenchStats.MaxWarmupMs"/>), as <c>bench decoder</c> does: a tier-up burst during the
    /// measured minute takes a core from the two that serve captions and shows up in the p99.
    /// </summary>
    internal static async Task WarmUntilJitQuietAsync(HttpClient http, Uri endpoint, LoadSettings load, CancellationToken ct)
    {
        var jit = new JitQuietClock();
        var round = load with { Duration = TimeSpan.FromMilliseconds(BenchStats.JitQuietMs) };
        while (!jit.IsQuiet)
        {
            if (jit.TimedOut || ct.IsCancellationRequested)
            {
                Console.WriteLine($"warm-up     the JIT was still compiling after {jit.Elapsed.TotalSeconds:F0} s more: not a steady state");
                return;
            }
            await LoadAsync(http, endpoint, round, ct);
        }
        Console.WriteLine($"warm-up     3 s, then {jit.Elapsed.TotalSeconds:F0} s more until the JIT compiled nothing for {BenchStats.JitQuietMs / 1000:F0} s");
    }

    internal static async Task<LoadResult> LoadAsync(HttpClient http, Uri endpoint, LoadSettings load, CancellationToken ct)
    {
        var result = new LoadResult();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, load.Clients).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < load.Duration && !ct.IsCancellationRequested)
            {
                using var form = new MultipartFormDataContent();
                var file = new ByteArrayContent(load.Image);
                file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                form.Add(file, "image", load.ImageName);
                long start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.PostAsync(endpoint, form, ct);
                    await response.Content.ReadAsByteArrayAsync(ct);
                    result.Record(Stopwatch.GetElapsedTime(start).TotalMilliseconds, response.StatusCode);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    result.RecordFailure(ex.GetType().Name);
                }
            }
        }, ct)));
        result.Elapsed = clock.Elapsed;
        return result;
    }

    private static void Report(PhaseSummary summary, MemoryReading before, MemoryReading after, bool measured)
    {
        Console.WriteLine();
        Console.WriteLine($"requests    {summary.RequestsPerSecond.Format("req/s", "F1")} (median and range over {summary.Phases} phase(s))");
        Console.WriteLine($"latency     p50 {summary.P50Ms.Format("ms", "F1")}   p99 {summary.P99Ms.Format("ms", "F1")}   (queue wait included)");
        Console.WriteLine($"errors      {summary.Errors}");
        if (measured)
        {
            Console.WriteLine($"memory      working set {before.WorkingSetMb:F0} MB → {after.WorkingSetMb:F0} MB ({after.WorkingSetMb - before.WorkingSetMb:+0;-0;0} MB); " +
                              $"managed heap after full GC {before.ManagedMb:F1} MB → {after.ManagedMb:F1} MB ({after.ManagedMb - before.ManagedMb:+0.0;-0.0;0.0} MB)");
        }
        Console.WriteLine($"targets     (medians) ≥ 50 req/s: {(summary.RequestsPerSecond.Median >= 50 ? "met" : "MISSED")}; " +
                          $"p99 < 500 ms: {(summary.P99Ms.Median < 500 ? "met" : "MISSED")}; zero errors: {(summary.Errors == 0 ? "met" : "MISSED")}");
    }

    /// <summary>One measured phase's figures: requests answered 200 per second and latency percentiles (nearest rank).</summary>
    internal sealed record PhaseFigures(int Ok, int Errors, double RequestsPerSecond, double P50Ms, double P90Ms, double P99Ms, double MaxMs)
    {
        public static PhaseFigures Of(LoadResult run) => Of(run.Ok, run.Errors, run.Elapsed, run.SortedLatencies());

        public static PhaseFigures Of(int ok, int errors, TimeSpan elapsed, double[] sortedLatencies)
        {
            double P(double q) => sortedLatencies.Length == 0 ? double.NaN : sortedLatencies[(int)Math.Round(q * (sortedLatencies.Length - 1))];
            return new PhaseFigures(ok, errors, ok / elapsed.TotalSeconds, P(0.5), P(0.9), P(0.99), P(1));
        }
    }

    /// <summary>A figure over the phases: its median (mean of the middle two for an even count) and range.</summary>
    internal readonly record struct Spread(double Median, double Min, double Max)
    {
        public static Spread Of(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length == 0 ? new Spread(double.NaN, double.NaN, double.NaN) : new Spread(BenchStats.Median(sorted), sorted[0], sorted[^1]);
        }

        public string Format(string unit, string format) =>
            Min == Max ? $"{Median.ToString(format)} {unit}" : $"{Median.ToString(format)} {unit} ({Min.ToString(format)}–{Max.ToString(format)})";
    }

    /// <summary>What the targets are checked on: the medians over the phases, and every phase's errors.</summary>
    internal sealed record PhaseSummary(int Phases, Spread RequestsPerSecond, Spread P50Ms, Spread P99Ms, int Errors)
    {
        public static PhaseSummary Of(IReadOnlyList<PhaseFigures> phases) => new(phases.Count,
            Spread.Of(phases.Select(p => p.RequestsPerSecond)), Spread.Of(phases.Select(p => p.P50Ms)),
            Spread.Of(phases.Select(p => p.P99Ms)), phases.Sum(p => p.Errors));
    }

    /// <summary>Counts and latencies from all clients (a lock is fine: one entry per request, tens per second).</summary>
    internal sealed class LoadResult
    {
        private readonly Lock _lock = new();
        private readonly List<double> _latencies = [];
        private readonly Dictionary<string, int> _errors = [];

        public TimeSpan Elapsed { get; set; }
        public int Ok { get; private set; }
        public int Errors { get; private set; }

        public void Record(double milliseconds, HttpStatusCode status)
        {
            lock (_lock)
            {
                if (status == HttpStatusCode.OK)
                {
                    Ok++;
                    _latencies.Add(milliseconds);
                }
                else
                {
                    AddError($"HTTP {(int)status}");
                }
            }
        }

        public void RecordFailure(string kind)
        {
            lock (_lock) AddError(kind);
        }

        private void AddError(string kind)
        {
            Errors++;
            _errors[kind] = _errors.GetValueOrDefault(kind) + 1;
        }

        public double[] SortedLatencies()
        {
            lock (_lock) return [.. _latencies.Order()];
        }

        public string DescribeErrors()
        {
            lock (_lock) return _errors.Count == 0 ? "none" : string.Join(", ", _errors.Select(e => $"{e.Key}: {e.Value}"));
        }
    }

    private readonly record struct MemoryReading(double WorkingSetMb, double ManagedMb)
    {
        public static MemoryReading Take()
        {
            // A full blocking GC first, so "after" compares live data rather than garbage not yet collected.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            using var process = Process.GetCurrentProcess();
            return new MemoryReading(process.WorkingSet64 / (1024.0 * 1024.0), GC.GetTotalMemory(forceFullCollection: false) / (1024.0 * 1024.0));
        }
    }

    private static string[] ServerArgs(string? modelFolder, int concurrency, int encoderThreads, int maxBatch)
    {
        var args = new List<string> { "--urls", "http://127.0.0.1:0", "--encoder-threads", encoderThreads.ToString() };
        if (modelFolder is not null)
            args.AddRange(["--model", Path.GetFullPath(modelFolder)]);
        if (concurrency > 0)
            args.AddRange(["--concurrency", concurrency.ToString()]);
        if (maxBatch > 0)
            args.AddRange(["--max-batch", maxBatch.ToString()]);
        return [.. args];
    }

    /// <summary>A decoder of the default (real) sizes with random weights and a 2600-word vocabulary, in a temp folder.</summary>
    private static string WriteRandomModel()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"bench-web-model-{Guid.NewGuid():N}");
        var words = Enumerable.Range(0, 2600 - Vocabulary.SpecialTokens.Count).Select(i => $"w{i}").ToArray();
        var vocabulary = Vocabulary.Build([words], minCount: 1);
        DecoderModel.CreateRandom(new DecoderConfig { VocabSize = vocabulary.Count }, vocabulary, seed: 1).Save(folder);
        return folder;
    }

    internal static string DefaultImage(CaptioningPaths paths)
    {
        if (paths.Flickr8kDirectory is { } flickr && Directory.Exists(Path.Combine(flickr, "images")))
        {
            string? first = Directory.EnumerateFiles(Path.Combine(flickr, "images"), "*.jpg").Order(StringComparer.Ordinal).FirstOrDefault();
            if (first is not null)
                return first;
        }
        return Path.Combine(AppContext.BaseDirectory, "wwwroot", "examples", "chelsea.png");
    }

    private static string? UsageProblem(int seconds, int phases, int clients, string? url) =>
        seconds is < 1 or > 600 ? "--seconds must be from 1 to 600."
        : phases is < 1 or > 20 ? "--phases must be from 1 to 20."
        : clients is < 1 or > 256 ? "--clients must be from 1 to 256."
        : url is not null && !IsLoopback(url) ? $"--url must be a loopback address (127.0.0.0/8, [::1] or localhost), not '{url}'."
        : null;

    private static bool IsLoopback(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && (uri.IsLoopback || IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
