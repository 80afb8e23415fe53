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

    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    public async Task A_batch_size_outside_1_to_64_stops_the_app_with_a_sentence_naming_it(string maxBatch)
    {
        await using var app = CaptionWebApp.Create(["--max-batch", maxBatch]);
        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<WebOptions>>().Value);
        Assert.Contains($"ImageCaptioning:MaxBatch must be between 1 (no batching) and 64 (is {maxBatch})", error.Message);
    }

    [Fact]
    public async Task Appsettings_json_is_loaded_from_the_app_folder_whatever_the_working_directory()
    {
        string previous = Directory.GetCurrentDirectory();
        using var elsewhere = new Infrastructure.TemporaryFolder("cwd");
        Directory.SetCurrentDirectory(elsewhere.Path); // e.g. `dotnet run --project src/ImageCaptioning.Web` from the checkout root
        try
        {
            await using var app = CaptionWebApp.Create([]);
            Assert.Equal(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), Path.TrimEndingDirectorySeparator(app.Environment.ContentRootPath));
            // Values only appsettings.json holds: the host filter's list and the quiet framework log level.
            Assert.Equal("localhost;127.0.0.1;[::1]", app.Configuration["AllowedHosts"]);
            Assert.Equal("Warning", app.Configuration["Logging:LogLevel:Microsoft.AspNetCore"]);
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
    }

    [Fact]
    public void Flags_go_to_the_user_data_folder_outside_the_checkout_unless_configured()
    {
        var options = new WebOptions();
        string expected = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
            "ImageCaptioning", "flagged");
        Assert.Equal(expected, options.EffectiveFlagFolder);
        string? checkout = ImageCaptioning.Configuration.CaptioningPaths.FromEnvironment().RepositoryRoot;
        if (checkout is not null)
            Assert.False(Path.GetFullPath(options.EffectiveFlagFolder).StartsWith(Path.GetFullPath(checkout), StringComparison.Ordinal),
                $"the default flag folder {options.EffectiveFlagFolder} is inside the checkout {checkout}");
        Assert.Equal("/srv/flags", new WebOptions { FlagFolder = "/srv/flags" }.EffectiveFlagFolder);
    }

    [Theory]
    [InlineData("--ImageCaptioning:AllowedOrigins:0=not a url", "AllowedOrigins")]
    [InlineData("--ImageCaptioning:FlagRequestsPerMinute=0", "FlagRequestsPerMinute")]
    [InlineData("--ImageCaptioning:BodyTimeoutSeconds=0", "BodyTimeoutSeconds")]
    [InlineData("--ImageCaptioning:DecodeMemoryBudgetBytes=10", "DecodeMemoryBudgetBytes")]
    public async Task A_hardening_setting_that_cannot_work_is_named(string argument, string setting)
    {
        await using var app = CaptionWebApp.Create([argument]);
        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<WebOptions>>().Value);
        Assert.Contains($"ImageCaptioning:{setting}", error.Message);
    }
}
