using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using ImageCaptioning.Web.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>One caption slot, a queue of two, a 3 s body deadline, Kestrel's minimum body rate of 1 KB/s, one extra allowed origin.</summary>
public sealed class HostileClientFixture : LoopbackServerFixture
{
    public const int Concurrency = 1;
    public const int QueueLimit = 2;
    public const double BodyTimeoutSeconds = 3;
    public const string AllowedOrigin = "https://allowed.example";

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
    [
        new(CaptionAppFactory.Key("ConcurrencyLimit"), Concurrency.ToString()),
        new(CaptionAppFactory.Key("QueueLimit"), QueueLimit.ToString()),
        new(CaptionAppFactory.Key("BodyTimeoutSeconds"), BodyTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new(CaptionAppFactory.Key("MinBodyBytesPerSecond"), "1024"),
        new(CaptionAppFactory.Key("FlagRequestsPerMinute"), "10000"),
        new(CaptionAppFactory.Key("AllowedOrigins:0"), AllowedOrigin),
    ];
}

/// <summary>
/// Clients that behave badly, over raw sockets against the real server on loopback: slow uploads, lying
/// Content-Length, truncated and malformed multipart, foreign Host and Origin headers. Each gets a 4xx with
/// problem details (or a closed connection) and costs no caption slot and no stack trace in the log.
/// </summary>
public sealed class HostileClientTests(HostileClientFixture fixture) : IClassFixture<HostileClientFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Boundary = "b0undary";

    private static string MultipartHeader(int length) => $"Content-Type: multipart/form-data; boundary={Boundary}";

    [Fact]
    public async Task Slow_uploads_hold_connections_not_caption_slots_so_normal_clients_keep_getting_captions()
    {
        Uri server = await fixture.StartAsync();
        byte[] body = RawHttp.Multipart(Boundary, TestImages.Png(64, 64));
        // Three times slot + queue of uploads trickling just above Kestrel's minimum rate: before the fix two of them stopped all captioning.
        int slowCount = 3 * (HostileClientFixture.Concurrency + HostileClientFixture.QueueLimit);
        var slow = new List<RawHttp>();
        var trickles = new List<Task>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        for (int i = 0; i < slowCount; i++)
        {
            var connection = await RawHttp.ConnectAsync(server, Ct);
            slow.Add(connection);
            await connection.SendAsync(RawHttp.Head("POST", "/api/caption", server.Authority, MultipartHeader(body.Length), $"Content-Length: {body.Length}"), Ct);
            trickles.Add(connection.TrickleAsync(body, 1500, TimeSpan.FromSeconds(1), stop.Token));
        }
        await Task.Delay(500, Ct);

        using var client = new HttpClient { BaseAddress = server };
        using (var health = await client.GetAsync("/api/health", Ct))
        {
            using var json = JsonDocument.Parse(await health.Content.ReadAsStringAsync(Ct));
            Assert.Equal(0, json.RootElement.GetProperty("captionsPending").GetInt32());
            Assert.False(json.RootElement.GetProperty("queueSaturated").GetBoolean());
        }
        for (int i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync("/api/caption", Requests.Raw(TestImages.Jpeg(), "image/jpeg"), Ct);
            await Requests.CaptionAsync(response);
        }

        await stop.CancelAsync();
        await Task.WhenAll(trickles.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        foreach (var connection in slow)
            await connection.DisposeAsync();
        await Task.Delay(500, Ct);
        AssertNoErrorLogged();
    }

    [Fact]
    public async Task A_caption_request_costs_at_most_one_log_line_at_information()
    {
        Uri server = await fixture.StartAsync();
        using var client = new HttpClient { BaseAddress = server };
        using (var warm = await client.PostAsync("/api/caption", Requests.Raw(TestImages.Jpeg(), "image/jpeg"), Ct))
            await Requests.CaptionAsync(warm);
        int before = fixture.Factory.Logs.Entries.Count;
        using (var response = await client.PostAsync("/api/caption", Requests.Raw(TestImages.Jpeg(), "image/jpeg"), Ct))
            await Requests.CaptionAsync(response);
        var logged = fixture.Factory.Logs.Entries.Skip(before).Where(e => e.Level >= LogLevel.Information).ToList();
        Assert.True(logged.Count <= 1, string.Join("\n", logged.Select(e => $"{e.Level} {e.Category}: {e.Message}")));
    }

    [Fact]
    public async Task An_upload_that_keeps_the_minimum_rate_but_misses_the_body_deadline_gets_408_problem_details()
    {
        Uri server = await fixture.StartAsync();
        byte[] body = RawHttp.Multipart(Boundary, TestImages.RandomBytes(40_000));
        await using var connection = await RawHttp.ConnectAsync(server, Ct);
        await connection.SendAsync(RawHttp.Head("POST", "/api/caption", server.Authority, MultipartHeader(body.Length), $"Content-Length: {body.Length}"), Ct);
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var trickle = connection.TrickleAsync(body, 2048, TimeSpan.FromSeconds(1), stop.Token); // 2 KB/s: 20 s for the whole body
        var response = await connection.ReadResponseAsync(TimeSpan.FromSeconds(30), Ct);
        await stop.CancelAsync();
        await trickle.ContinueWith(_ => { }, TaskScheduler.Default);

        AssertProblem(response, 408, "timeout");
        Assert.InRange(clock.Elapsed.TotalSeconds, HostileClientFixture.BodyTimeoutSeconds - 0.5, 15);
        await Task.Delay(500, Ct); // the connection's end (Kestrel would log a failed drain of the cut-off body here)
        AssertNoErrorLogged();
    }

    private void AssertNoErrorLogged()
    {
        var errors = fixture.Factory.Logs.Entries.Where(e => e.Level >= LogLevel.Error || e.Exception is not null).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Level} {e.Category}: {e.Message}")));
    }

    [Fact]
    public async Task An_upload_below_the_minimum_data_rate_is_dropped_within_seconds()
    {
        Uri server = await fixture.StartAsync();
        byte[] body = RawHttp.Multipart(Boundary, TestImages.RandomBytes(5_000));
        await using var connection = await RawHttp.ConnectAsync(server, Ct);
        await connection.SendAsync(RawHttp.Head("POST", "/api/flag", server.Authority, MultipartHeader(body.Length), $"Content-Length: {body.Length}"), Ct);
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var trickle = connection.TrickleAsync(body, 10, TimeSpan.FromMilliseconds(200), stop.Token); // 50 bytes/s
        var response = await connection.ReadResponseAsync(TimeSpan.FromSeconds(30), Ct);
        await stop.CancelAsync();
        await trickle.ContinueWith(_ => { }, TaskScheduler.Default);

        // Either answer is right: a 408 problem, or Kestrel closing the connection itself.
        if (response.Status != 0)
            AssertProblem(response, 408, "timeout");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the trickling upload was kept for {clock.Elapsed.TotalSeconds:0.0} s");
        await Task.Delay(500, Ct);
        AssertNoErrorLogged();
    }

    public static TheoryData<string, string> MalformedBodies => new()
    {
        { "/api/caption", "truncated" }, { "/api/caption", "short-content-length" }, { "/api/caption", "garbage" },
        { "/api/flag", "truncated" }, { "/api/flag", "short-content-length" }, { "/api/flag", "garbage" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task A_malformed_or_cut_multipart_body_gets_400_problem_details_and_one_quiet_log_line(string path, string kind)
    {
        Uri server = await fixture.StartAsync();
        byte[] whole = RawHttp.Multipart(Boundary, TestImages.Png(32, 32));
        byte[] truncated = RawHttp.Multipart(Boundary, TestImages.Png(32, 32), close: false);
        byte[] garbage = Encoding.ASCII.GetBytes($"--{Boundary}\r\nthis is not a part header\r\n\r\n--{Boundary}");
        (byte[] body, int announced) = kind switch
        {
            "truncated" => (truncated, truncated.Length),
            "short-content-length" => (whole, whole.Length - 40), // the server reads 40 bytes fewer than were sent
            _ => (garbage, garbage.Length),
        };
        int logsBefore = fixture.Factory.Logs.Entries.Count;

        await using var connection = await RawHttp.ConnectAsync(server, Ct);
        await connection.SendAsync([.. RawHttp.Head("POST", path, server.Authority, MultipartHeader(body.Length), $"Content-Length: {announced}"), .. body], Ct);
        var response = await connection.ReadResponseAsync(TimeSpan.FromSeconds(30), Ct);

        AssertProblem(response, 400, "bad_request");
        var logged = fixture.Factory.Logs.Entries.Skip(logsBefore).Where(e => e.Category.StartsWith("ImageCaptioning", StringComparison.Ordinal)).ToList();
        Assert.All(logged, e => Assert.Null(e.Exception));
        Assert.All(fixture.Factory.Logs.Entries.Skip(logsBefore), e => Assert.True(e.Level <= LogLevel.Warning, $"{e.Level} {e.Category}: {e.Message}"));
        Assert.True(logged.Count <= 1, $"one bad request logged {logged.Count} lines: {string.Join(" | ", logged.Select(e => e.Message))}");
    }

    [Fact]
    public async Task A_request_for_a_host_that_is_not_allowed_is_refused()
    {
        Uri server = await fixture.StartAsync();
        await using var connection = await RawHttp.ConnectAsync(server, Ct);
        await connection.SendAsync(RawHttp.Head("GET", "/api/health", "rebound.example:80"), Ct);
        var response = await connection.ReadResponseAsync(TimeSpan.FromSeconds(30), Ct);
        AssertProblem(response, 400, "unknown_host");

        await using var allowed = await RawHttp.ConnectAsync(server, Ct);
        await allowed.SendAsync(RawHttp.Head("GET", "/api/health", $"localhost:{server.Port}"), Ct);
        Assert.Equal(200, (await allowed.ReadResponseAsync(TimeSpan.FromSeconds(30), Ct)).Status);
    }

    [Theory]
    [InlineData("/api/caption")]
    [InlineData("/api/flag")]
    public async Task A_post_from_another_site_is_refused_unless_its_origin_is_configured(string path)
    {
        Uri server = await fixture.StartAsync();
        using var client = new HttpClient { BaseAddress = server };
        using var foreign = new HttpRequestMessage(HttpMethod.Post, path) { Content = Requests.Form(TestImages.Jpeg(32, 32), fields: [("caption", "x")]) };
        foreign.Headers.Add("Origin", "http://evil.example");
        using var refused = await client.SendAsync(foreign, Ct);
        await Requests.ErrorAsync(refused, HttpStatusCode.Forbidden, Web.Problems.ApiErrorCode.Forbidden);

        using var configured = new HttpRequestMessage(HttpMethod.Post, path) { Content = Requests.Form(TestImages.Jpeg(32, 32), fields: [("caption", "x")]) };
        configured.Headers.Add("Origin", HostileClientFixture.AllowedOrigin);
        using var accepted = await client.SendAsync(configured, Ct);
        Assert.True(accepted.IsSuccessStatusCode, $"{(int)accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync(Ct)}");
    }

    private static void AssertProblem(RawResponse response, int status, string code)
    {
        Assert.True(response.Status == status, $"expected {status}, got {response.Status}: {response.Body}");
        Assert.Equal("application/problem+json", response.ContentType);
        using var json = JsonDocument.Parse(response.Body);
        Assert.Equal(status, json.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(code, json.RootElement.GetProperty("error").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("detail").GetString()));
        Assert.DoesNotContain("   at ", response.Body);
        Assert.DoesNotContain("Exception", response.Body);
    }
}
