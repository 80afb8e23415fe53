using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Problems;
using ImageCaptioning.Web.Queue;
using ImageCaptioning.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>
/// An app with one caption slot and batches of up to four, whose decoder steps read int8 products, so a caption is the
/// same to the bit alone or batched.
/// </summary>
public sealed class BatchingFixture : ApiFixture
{
    public const int MaxBatch = 4;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
    [
        new(CaptionAppFactory.Key("ConcurrencyLimit"), "1"),
        new(CaptionAppFactory.Key("QueueLimit"), "16"),
        new(CaptionAppFactory.Key("MaxBatch"), MaxBatch.ToString()),
        new(CaptionAppFactory.Key("DecoderPrecision"), "Int8"),
    ];
}

/// <summary>
/// Requests that wait while the slot is busy are captioned together when it frees (<see cref="CaptionBatcher"/>): each
/// gets exactly the answer it gets alone, requests with other decoding options are not mixed in, and an image that
/// cannot be decoded gets its own error while the others in its batch get their captions.
/// </summary>
public sealed class BatchingTests(BatchingFixture fixture) : IClassFixture<BatchingFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly byte[][] Images = [TestImages.Jpeg(), TestImages.Jpeg(300, 200), TestImages.Png(), TestImages.Png(200, 260)];

    [Fact]
    public async Task Waiting_requests_are_captioned_in_one_pass_and_each_gets_exactly_its_lone_answer()
    {
        var client = await fixture.ClientAsync();
        var batcher = fixture.Factory.Services.GetRequiredService<CaptionBatcher>();
        var alone = new List<JsonObject>();
        foreach (var image in Images)
            alone.Add(await CaptionAsync(client, image, beam: 3));

        long batchesBefore = batcher.Batches, batchedBefore = batcher.BatchedCaptions;
        var answers = await WhileTheSlotIsHeldAsync(client, Images.Select(image => (image, 3)).ToArray());

        Assert.Equal(batchesBefore + 1, batcher.Batches);
        Assert.Equal(batchedBefore + Images.Length, batcher.BatchedCaptions);
        for (int i = 0; i < Images.Length; i++)
        {
            Assert.Equal(HttpStatusCode.OK, answers[i].Status);
            AssertSameAnswer(alone[i], answers[i].Body!);                                 // caption, alternatives, attention, classes
        }
        Assert.NotEqual(WithoutTimings(alone[0])["words"]!.ToJsonString(), WithoutTimings(alone[2])["words"]!.ToJsonString()); // images differ
    }

    [Fact]
    public async Task Requests_with_other_decoding_options_are_not_batched_together()
    {
        var client = await fixture.ClientAsync();
        var batcher = fixture.Factory.Services.GetRequiredService<CaptionBatcher>();
        long batchesBefore = batcher.Batches, batchedBefore = batcher.BatchedCaptions;

        var answers = await WhileTheSlotIsHeldAsync(client, [(Images[0], 3), (Images[1], 2), (Images[2], 3)]);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(batchesBefore + 1, batcher.Batches);                 // the two at beam 3 together, beam 2 alone
        Assert.Equal(batchedBefore + 2, batcher.BatchedCaptions);
        Assert.Equal(2, answers[1].Body!["options"]!["beamWidth"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_undecodable_image_gets_its_own_error_and_the_rest_of_its_batch_their_captions()
    {
        var client = await fixture.ClientAsync();
        var expected = await CaptionAsync(client, Images[1], beam: 3);

        var answers = await WhileTheSlotIsHeldAsync(client, [(Images[0], 3), (TestImages.TruncatedJpeg(), 3), (Images[1], 3)]);

        Assert.Equal(HttpStatusCode.OK, answers[0].Status);
        Assert.Equal(HttpStatusCode.BadRequest, answers[1].Status);
        Assert.Equal(JsonSerializer.SerializeToElement(ApiErrorCode.Corrupt).GetString(), answers[1].Body!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, answers[2].Status);
        AssertSameAnswer(expected, answers[2].Body!);
    }

    /// <summary>Holds the one slot, posts the requests, waits until all of them wait, frees the slot and returns the answers in order.</summary>
    private async Task<(HttpStatusCode Status, JsonObject? Body)[]> WhileTheSlotIsHeldAsync(HttpClient client, (byte[] Image, int Beam)[] requests)
    {
        var queue = fixture.Factory.Services.GetRequiredService<CaptionQueue>();
        var slot = await queue.AcquireAsync(Ct);
        var posted = requests.Select(r => client.PostAsync($"/api/caption?beamWidth={r.Beam}", Requests.Raw(r.Image, "image/jpeg"), Ct)).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (queue.Waiting < requests.Length)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {queue.Waiting} of {requests.Length} requests reached the queue");
            await Task.Delay(20, Ct);
        }
        slot.Dispose();
        var answers = new (HttpStatusCode, JsonObject?)[requests.Length];
        for (int i = 0; i < posted.Count; i++)
        {
            using var response = await posted[i];
            answers[i] = (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct)) as JsonObject);
        }
        return answers;
    }

    private static async Task<JsonObject> CaptionAsync(HttpClient client, byte[] image, int beam)
    {
        using var response = await client.PostAsync($"/api/caption?beamWidth={beam}", Requests.Raw(image, "image/jpeg"), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
    }

    /// <summary>Every field of the two answers but the timings (the only part that depends on the batch), as JSON text.</summary>
    private static void AssertSameAnswer(JsonObject expected, JsonObject actual)
    {
        var (a, b) = (WithoutTimings(expected), WithoutTimings(actual));
        Assert.Equal(a.Select(p => p.Key).Order(), b.Select(p => p.Key).Order());
        foreach (var (key, value) in a)
            Assert.True(value?.ToJsonString() == b[key]?.ToJsonString(), $"'{key}' differs: {value?.ToJsonString()} vs {b[key]?.ToJsonString()}");
    }

    /// <summary>The answer without its timings (the only part that depends on the batch).</summary>
    private static JsonObject WithoutTimings(JsonObject answer)
    {
        var copy = (JsonObject)answer.DeepClone();
        copy.Remove("timings");
        return copy;
    }
}
