using ImageCaptioning.Web.Configuration;
using Microsoft.AspNetCore.Hosting;

namespace ImageCaptioning.Web.Tests.Units;

/// <summary>The loopback default applies only when no address is configured in any of ASP.NET Core's ways (containers set HTTP_PORTS).</summary>
public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("--http_ports", "8080")]             // ASPNETCORE_HTTP_PORTS, as the official images and our Dockerfile set it
    [InlineData("--https_ports", "8443")]
    [InlineData("--Kestrel:Endpoints:Http:Url", "http://0.0.0.0:8081")]
    public async Task A_configured_port_or_endpoint_replaces_the_loopback_default(string key, string value)
    {
        await using var app = CaptionWebApp.Create([key, value]);
        Assert.True(string.IsNullOrEmpty(app.Configuration[WebHostDefaults.ServerUrlsKey]),
            $"{key} {value} must not be overridden by {WebOptions.DefaultUrl}");
    }

    [Fact]
    public void Help_is_recognised_and_names_the_address_settings()
    {
        Assert.True(WebHelp.IsRequested(["--help"]));
        Assert.True(WebHelp.IsRequested(["--model", "m", "-h"]));
        Assert.False(WebHelp.IsRequested(["--model", "help"]));
        Assert.Contains("ASPNETCORE_HTTP_PORTS", WebHelp.Text);
        foreach (string key in WebConfiguration.SwitchMappings.Keys)
            Assert.Contains(key, WebHelp.Text);
    }
}
