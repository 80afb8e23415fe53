using System.Net;
using System.Text;
using ImageCaptioning.Web.Hosting;
using ImageCaptioning.Web.Telemetry;
using ImageCaptioning.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>With the standard OTEL_* settings naming a collector, the caption metrics are pushed over OTLP (HTTP/protobuf).</summary>
public sealed class OtlpExportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_caption_instruments_reach_an_otlp_collector_named_by_the_otel_variables()
    {
        TestData.ModelsDirectory();
        // A stand-in collector on a free loopback port: records what arrives at /v1/metrics.
        var received = new List<byte[]>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var collector = builder.Build();
        collector.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            lock (received) received.Add(body.ToArray());
            return Results.Ok();
        });
        await collector.StartAsync(Ct);
        string endpoint = collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        using var root = new TemporaryFolder("web-otlp");
        string model = Path.Combine(root.Path, "model");
        TestModelFolder.Write(model);
        // The real start-up path (not WebApplicationFactory, whose settings arrive after the services are chosen):
        // OTEL_* keys from the command line are read like the environment variables a deployment sets.
        await using var app = CaptionWebApp.Create(
        [
            "--urls", "http://127.0.0.1:0", "--model", model, "--flag-dir", Path.Combine(root.Path, "flagged"),
            "--OTEL_EXPORTER_OTLP_ENDPOINT", endpoint, "--OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "--OTEL_METRIC_EXPORT_INTERVAL", "200",
        ]);
        await app.StartAsync(Ct);
        await app.Services.GetRequiredService<CaptionerHost>().WhenLoaded.WaitAsync(TimeSpan.FromMinutes(2), Ct);
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        using (var caption = await client.PostAsync("/api/caption", Requests.Raw(TestImages.Jpeg(), "image/jpeg"), Ct))
            Assert.Equal(HttpStatusCode.OK, caption.StatusCode);

        // Instrument names travel as plain UTF-8 strings inside the protobuf payload.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Exported("imagecaptioning.caption.duration") && DateTime.UtcNow < deadline)
            await Task.Delay(100, Ct);
        Assert.True(Exported("imagecaptioning.caption.duration"), $"no OTLP export of the caption metrics reached {endpoint}");
        Assert.True(Exported(CaptionMetrics.QueueDepthInstrument));
        Assert.True(Exported(TelemetrySetup.DefaultServiceName)); // the service.name resource attribute

        bool Exported(string text)
        {
            lock (received) return received.Any(body => Encoding.UTF8.GetString(body).Contains(text, StringComparison.Ordinal));
        }
    }
}
