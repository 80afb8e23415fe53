using System.Net;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Problems;
using ImageCaptioning.Web.Queue;
using ImageCaptioning.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

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
        var queue = fixture.Factory.Services.GetRequiredService<CaptionQueue>();
        byte[] image = TestImages.Jpeg();

        // Take the one slot directly (as a long caption would), then queue real requests behind it until the queue is full.
        var slot = await queue.AcquireAsync(Ct);
        var held = Enumerable.Range(0, SmallQueueFixture.QueueLimit)
            .Select(_ => client.PostAsync("/api/caption", Requests.Raw(image, "image/jpeg"), Ct))
            .ToList();
        await WaitForAsync(client, health => health.GetProperty("queueSaturated").GetBoolean());

        var burst = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(_ => client.PostAsync("/api/caption", Requests.Raw(image, "image/jpeg"), Ct)));
        foreach (var response in burst)
        {
            var error = await Requests.ErrorAsync(response, HttpStatusCode.ServiceUnavailable, ApiErrorCode.Busy);
            Assert.Contains("busy", error.Detail);
            Assert.InRange(int.Parse(string.Join("", response.Headers.GetValues("Retry-After"))), 1, 60);
            response.Dispose();
        }

        slot.Dispose();
        foreach (var response in await Task.WhenAll(held))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }
        Assert.False(queue.IsSaturated);
    }

    [Fact]
    public async Task Uploads_that_have_not_arrived_hold_no_caption_slot()
    {
        var client = await fixture.ClientAsync();
        byte[] image = TestImages.Jpeg();

        // More unfinished uploads than slot + queue: none of them may take a place, so a complete request still gets its caption.
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var never = new TaskCompletionSource();
        var slow = Enumerable.Range(0, 2 * (SmallQueueFixture.Concurrency + SmallQueueFixture.QueueLimit))
            .Select(_ => client.PostAsync("/api/caption", new GatedContent(image, never.Task), abandon.Token))
            .ToList();
        await Task.Delay(300, Ct);
        using (var health = await client.GetAsync("/api/health", Ct))
        {
            using var json = System.Text.Json.JsonDocument.Parse(await health.Content.ReadAsStringAsync(Ct));
            Assert.Equal(0, json.RootElement.GetProperty("captionsPending").GetInt32());
            Assert.False(json.RootElement.GetProperty("queueSaturated").GetBoolean());
        }
        using (var normal = await client.PostAsync("/api/caption", Requests.Raw(image, "image/jpeg"), Ct))
            await Requests.CaptionAsync(normal);

        abandon.Cancel(); // the clients give up; the server must not be left holding anything
        foreach (var request in slow)
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        using var after = await client.PostAsync("/api/caption", Requests.Raw(image, "image/jpeg"), Ct);
        await Requests.CaptionAsync(after);
    }

    /// <summary>Polls /api/health until <paramref name="condition"/> holds (a fixed sleep is not enough on a loaded machine).</summary>
    private static async Task WaitForAsync(HttpClient client, Func<System.Text.Json.JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var health = await client.GetAsync("/api/health", Ct);
            using var json = System.Text.Json.JsonDocument.Parse(await health.Content.ReadAsStringAsync(Ct));
            if (condition(json.RootElement)) break;
            Assert.True(DateTime.UtcNow < deadline, "the server never reached the expected state");
            await Task.Delay(20, Ct);
        }
    }
}
