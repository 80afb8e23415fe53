using ImageCaptioning.Web;
using ImageCaptioning.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ImageCaptioning.Benchmarks.Load;

/// <summary>The web app in this process on a free loopback port, for the load benchmarks.</summary>
internal static class LoopbackServer
{
    /// <summary>
    /// Starts the app with <paramref name="args"/> (which must bind a loopback port, e.g. <c>--urls http://127.0.0.1:0</c>) and waits
    /// for its model; when the model does not load, prints why (with <paramref name="hint"/>), stops the app and returns null.
    /// </summary>
    public static async Task<WebApplication?> StartAsync(string[] args, Action<WebApplicationBuilder> configure, string hint, CancellationToken ct)
    {
        var app = CaptionWebApp.Create(args, configure);
        await app.StartAsync(ct);
        var host = app.Services.GetRequiredService<CaptionerHost>();
        await host.WhenLoaded.WaitAsync(ct);
        if (host.State == ModelState.Ready)
            return app;
        Console.Error.WriteLine($"error: {host.Message}{hint}");
        await app.DisposeAsync();
        return null;
    }
}
