using ImageCaptioning.Web;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Configuration;
using Microsoft.Extensions.Options;

// `dotnet run --project src/ImageCaptioning.Web`: serves the demo page and the JSON API on
// http://127.0.0.1:5000 (loopback only; --urls http://0.0.0.0:5000 or ASPNETCORE_HTTP_PORTS to expose it). --help lists the rest.
if (WebHelp.IsRequested(args))
{
    Console.WriteLine(WebHelp.Text);
    return 0;
}

try
{
    // A failed start (e.g. the port is taken) is reported below in one line; the host's own log of it is a stack trace.
    var app = CaptionWebApp.Create(args, builder => builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None));
    await app.StartAsync();
    foreach (string url in app.Urls)
        Console.WriteLine($"Image captioning demo: open {url.TrimEnd('/')}/ in a browser (API reference: {url.TrimEnd('/')}{ApiReference.Path}/). Ctrl+C stops it.");
    await app.WaitForShutdownAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}
catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
{
    Console.Error.WriteLine($"error: could not listen: {ex.Message} Choose another address with --urls, e.g. --urls http://127.0.0.1:5080");
    return 1;
}

/// <summary>The entry point's class, public so WebApplicationFactory&lt;Program&gt; can find the app.</summary>
public partial class Program;
