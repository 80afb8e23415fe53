using System.Net;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Tests.Infrastructure;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>An app with one caption slot and a queue of two, to fill the queue on purpose.</summary>
public sealed class SmallQueueFixture : ApiFixture
{
    public const int Concurrency = 1;
    public const int QueueLimit = 2;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
    [
        new(CaptionAppFactory.Key("ConcurrencyLimit"), Concurrency.ToString()),
        new(CaptionAppFactory.Key("QueueLimit"), QueueLimit.ToString()),
    ];
}

/// <summary>The bounded queue: beyond it, requests get 503 + Retry-After at once; every request gets an answer.</summary>
public sealed class QueueTests(SmallQueueFixture fixture) : IClassFixture<SmallQueueFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_the_slot_and_the_queue_are_taken_further_requests_get_503_with_retry_after_and_the_held_ones_finish()
    {
        var client = await fixture.ClientAsync();
        byte[] image = TestImages.Jpeg();

        // Slot + queue requests whose bodies arrive only when released: whichever gets the one slot holds it
        // while the server waits for its body, the others wait in the queue.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = Enumerable.Range(0, SmallQueueFixture.Concurrency + SmallQueueFixture.QueueLimit)
            .Select(_ => client.PostAsync("/api/caption", new GatedContent(image, release.Task), Ct))
            .ToList();
        await WaitForPendingAsync(client, SmallQueueFixture.Concurrency + SmallQueueFixture.QueueLimit);

        var burst = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(_ => client.PostAsync("/api/caption", Requests.Raw(image, "image/jpeg"), Ct)));
        foreach (var response in burst)
        {
            var error = await Requests.ErrorAsync(response, HttpStatusCode.ServiceUnavailable, ApiErrorCodes.Busy);
            Assert.Contains("busy", error.Detail);
            Assert.InRange(int.Parse(string.Join("", response.Headers.GetValues("Retry-After"))), 1, 60);
            response.Dispose();
        }

        release.SetResult();
        foreach (var response in await Task.WhenAll(held))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }
    }

    [Fact]
    public async Task A_burst_far_beyond_the_queue_gets_an_answer_for_every_request_and_the_server_stays_up()
    {
        var client = await fixture.ClientAsync();
        byte[] image = TestImages.Jpeg();
        const int requests = 40;
        var responses = await Task.WhenAll(Enumerable.Range(0, requests)
            .Select(_ => client.PostAsync("/api/caption?maxLength=20&beamWidth=5", Requests.Raw(image, "image/jpeg"), Ct)));

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"unexpected {(int)s}"));
        Assert.Contains(HttpStatusCode.OK, statuses);
        foreach (var rejected in responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable))
            await Requests.ErrorAsync(rejected, HttpStatusCode.ServiceUnavailable, ApiErrorCodes.Busy);
        foreach (var response in responses)
            response.Dispose();

        using var health = await client.GetAsync("/api/health", Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var after = await client.PostAsync("/api/caption", Requests.Raw(image, "image/jpeg"), Ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    /// <summary>
    /// Waits until the server counts <paramref name="expected"/> caption requests running or queued (a fixed sleep is
    /// not enough on a loaded machine), then a moment more for the last one to take its queue place.
    /// </summary>
    private static async Task WaitForPendingAsync(HttpClient client, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var health = await client.GetAsync("/api/health", Ct);
            using var json = System.Text.Json.JsonDocument.Parse(await health.Content.ReadAsStringAsync(Ct));
            if (json.RootElement.GetProperty("captionsPending").GetInt32() >= expected) break;
            Assert.True(DateTime.UtcNow < deadline, "the held requests never reached the server");
            await Task.Delay(20, Ct);
        }
        await Task.Delay(100, Ct);
    }

    /// <summary>A request body that is sent only when <c>release</c> completes.</summary>
    private sealed class GatedContent(byte[] body, Task release) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await release;
            await stream.WriteAsync(body);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}
