using ImageCaptioning.Web.Configuration;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageCaptioning.Web.Tests.Units;

/// <summary>Where the settings come from: short switches, defaults, and refusing settings that cannot work. Nothing is started.</summary>
public sealed class WebConfigurationTests
{
    [Fact]
    public async Task Short_switches_set_the_options()
    {
        await using var app = CaptionWebApp.Create(
            ["--model", "/models/run7", "--queue", "5", "--concurrency", "3", "--max-upload-bytes", "1000", "--encoder-threads", "2"]);
        var options = app.Services.GetRequiredService<IOptions<WebOptions>>().Value;
        Assert.Equal("/models/run7", options.ModelFolder);
        Assert.Equal(5, options.QueueLimit);
        Assert.Equal(3, options.EffectiveConcurrency);
        Assert.Equal(1000, options.MaxUploadBytes);
        Assert.Equal(1000, options.ImageLimits.MaxBytes);
        Assert.Equal(2, options.EncoderThreads);
    }

    [Fact]
    public async Task The_server_listens_on_the_ipv4_loopback_unless_told_otherwise()
    {
        await using var byDefault = CaptionWebApp.Create([]);
        Assert.Equal(WebOptions.DefaultUrl, byDefault.Configuration[WebHostDefaults.ServerUrlsKey]);
        await using var exposed = CaptionWebApp.Create(["--urls", "http://0.0.0.0:5080"]);
        Assert.Equal("http://0.0.0.0:5080", exposed.Configuration[WebHostDefaults.ServerUrlsKey]);
    }

    [Fact]
    public async Task A_setting_that_cannot_work_stops_the_app_with_a_sentence_naming_it()
    {
        await using var app = CaptionWebApp.Create(["--queue", "-1"]);
        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<WebOptions>>().Value);
        Assert.Contains("ImageCaptioning:QueueLimit must not be negative", error.Message);
    }
}
