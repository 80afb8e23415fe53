using System.Net;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Problems;
using ImageCaptioning.Web.Flagging;
using ImageCaptioning.Web.Tests.Infrastructure;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>An app that lets one client flag 3 times a minute.</summary>
public sealed class FlagRateFixture : ApiFixture
{
    public const int PerMinute = 3;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
        [new(CaptionAppFactory.Key("FlagRequestsPerMinute"), PerMinute.ToString())];
}

/// <summary>An app whose flag folder may hold 20 KB.</summary>
public sealed class SmallFlagQuotaFixture : ApiFixture
{
    public const int QuotaBytes = 20_000;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
        [new(CaptionAppFactory.Key("FlagQuotaBytes"), QuotaBytes.ToString())];
}

/// <summary>A flag flood: per-client rate limit (429) before anything is read or written.</summary>
public sealed class FlagRateLimitTests(FlagRateFixture fixture) : IClassFixture<FlagRateFixture>
{
    [Fact]
    public async Task A_client_flagging_faster_than_its_limit_gets_429_with_retry_after_and_nothing_is_written()
    {
        var client = await fixture.ClientAsync();
        var ct = TestContext.Current.CancellationToken;
        for (int i = 0; i < FlagRateFixture.PerMinute; i++)
        {
            using var accepted = await client.PostAsync("/api/flag", Requests.Form(TestImages.Png(16, 16), "x.png", "image/png", ("caption", $"flag {i}")), ct);
            Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        }
        using var refused = await client.PostAsync("/api/flag", Requests.Form(TestImages.Png(16, 16), "x.png", "image/png", ("caption", "one too many")), ct);
        await Requests.ErrorAsync(refused, HttpStatusCode.TooManyRequests, ApiErrorCode.RateLimited);
        Assert.InRange(int.Parse(string.Join("", refused.Headers.GetValues("Retry-After"))), 1, 60);
        Assert.Equal(1 + FlagRateFixture.PerMinute, File.ReadAllLines(Path.Combine(fixture.FlagFolder, FlagStore.LogFileName)).Length);

        // Captions are not flags: the limit is the flag endpoint's alone.
        using var caption = await client.PostAsync("/api/caption", Requests.Raw(TestImages.Jpeg(), "image/jpeg"), ct);
        Assert.Equal(HttpStatusCode.OK, caption.StatusCode);
    }
}

/// <summary>The flag folder's quota: once full, 507 and nothing more on disk.</summary>
public sealed class FlagQuotaTests(SmallFlagQuotaFixture fixture) : IClassFixture<SmallFlagQuotaFixture>
{
    [Fact]
    public async Task Once_the_quota_is_used_up_flags_get_507_and_the_folder_stops_growing()
    {
        var client = await fixture.ClientAsync();
        var ct = TestContext.Current.CancellationToken;
        byte[] image = TestImages.Png(48, 48);
        int created = 0;
        HttpResponseMessage? full = null;
        for (int i = 0; i < 100 && full is null; i++)
        {
            var response = await client.PostAsync("/api/flag", Requests.Form(image, "x.png", "image/png", ("caption", "c")), ct);
            if (response.StatusCode == HttpStatusCode.Created) { created++; response.Dispose(); }
            else full = response;
        }
        Assert.NotNull(full);
        using (full)
            await Requests.ErrorAsync(full, HttpStatusCode.InsufficientStorage, ApiErrorCode.StorageFull);
        Assert.InRange(created, 1, SmallFlagQuotaFixture.QuotaBytes / image.Length);
        long used = Directory.EnumerateFiles(fixture.FlagFolder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.InRange(used, 1, SmallFlagQuotaFixture.QuotaBytes);

        using var again = await client.PostAsync("/api/flag", Requests.Form(image, "x.png", "image/png", ("caption", "c")), ct);
        await Requests.ErrorAsync(again, HttpStatusCode.InsufficientStorage, ApiErrorCode.StorageFull);
        Assert.Equal(used, Directory.EnumerateFiles(fixture.FlagFolder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length));
    }
}
