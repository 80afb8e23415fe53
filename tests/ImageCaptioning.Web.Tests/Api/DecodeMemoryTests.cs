using System.Net;
using System.Text.Json;
using ImageCaptioning.Web.Tests.Infrastructure;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>
/// Decode memory is bounded by bytes: 16 concurrent 40-megapixel 16-bit PNGs (≈ 230 KB each, 160 MB each decoded)
/// against the real server in its own process, whose peak resident set (VmHWM) must stay within the stated budget.
/// </summary>
public sealed class DecodeMemoryTests
{
    /// <summary>The README's stated bound for the server process under this attack.</summary>
    public const long RssBudgetBytes = 600L * 1024 * 1024;

    [Fact]
    public async Task Sixteen_concurrent_40_megapixel_16_bit_pngs_keep_the_server_within_its_memory_budget()
    {
        TestData.ModelsDirectory();
        var ct = TestContext.Current.CancellationToken;
        using var flags = new TemporaryFolder("web-memory-flags");
        // Four caption slots: without the byte budget four decodes would run at once (≈ 4 × 160 MB on top of the model).
        await using var server = await ServerProcess.StartAsync(["--flag-dir", flags.Path, "--concurrency", "4"], ct);
        byte[] hostile = TestImages.Png16(8000, 5000);
        Assert.True(hostile.Length < 1024 * 1024, $"the hostile PNG is {hostile.Length} bytes");

        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        var responses = await Task.WhenAll(Enumerable.Range(0, 16)
            .Select(_ => client.PostAsync("/api/caption", Requests.Raw(hostile, "image/png"), ct)));
        foreach (var response in responses)
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            response.Dispose();
        }
        long peak = server.StatusBytes("VmHWM");
        TestContext.Current.SendDiagnosticMessage($"peak RSS of the server after 16 concurrent 40 MP 16-bit PNGs: {peak / 1048576} MB");
        Assert.True(peak <= RssBudgetBytes, $"peak RSS {peak / 1048576} MB is over the {RssBudgetBytes / 1048576} MB budget");

        // One whose decode alone would exceed the whole decode budget is refused from its header, before any pixel.
        using var tooCostly = await client.PostAsync("/api/caption", Requests.Raw(TestImages.Png16(8000, 5000, colourType: 6, interlaced: true), "image/png"), ct);
        var error = await Requests.ErrorAsync(tooCostly, HttpStatusCode.RequestEntityTooLarge, Web.Problems.ApiErrorCode.TooLarge);
        Assert.Contains("to decode", error.Detail);
    }
}
