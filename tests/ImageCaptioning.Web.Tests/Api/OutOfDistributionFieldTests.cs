using System.Text.Json;
using ImageCaptioning.Web.Tests.Infrastructure;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>
/// POST /api/caption reports the model folder's out-of-distribution check as
/// <c>outOfDistribution: { flagged, score, threshold, reason }</c> (the contract the page renders).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OutOfDistributionFieldTests(SharedApiFixture fixture)
{
    [Fact]
    public async Task The_caption_answer_carries_the_out_of_distribution_check_under_its_contract_names()
    {
        var client = await fixture.ClientAsync();
        using var response = await client.PostAsync("/api/caption?beamWidth=1&maxLength=3",
            Requests.Raw(TestImages.Jpeg(), "image/jpeg"), TestContext.Current.CancellationToken);
        string body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, body);

        using var json = JsonDocument.Parse(body);
        var ood = json.RootElement.GetProperty("outOfDistribution");
        Assert.Equal(["flagged", "score", "threshold", "reason"], ood.EnumerateObject().Select(p => p.Name));
        double score = ood.GetProperty("score").GetDouble();
        Assert.Equal(TestModelFolder.OutOfDistributionThreshold, ood.GetProperty("threshold").GetDouble());
        Assert.InRange(score, 0, 2);                                               // a cosine distance
        Assert.Equal(score > TestModelFolder.OutOfDistributionThreshold, ood.GetProperty("flagged").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(ood.GetProperty("reason").GetString()));
    }
}
