using System.Text.Encodings.Web;
using ImageCaptioning.Configuration;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Configuration;
using ImageCaptioning.Web.Examples;
using ImageCaptioning.Web.Flagging;
using ImageCaptioning.Web.Health;
using ImageCaptioning.Web.Hosting;
using ImageCaptioning.Web.Problems;
using ImageCaptioning.Web.Queue;
using ImageCaptioning.Web.Security;
using ImageCaptioning.Web.Telemetry;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace ImageCaptioning.Web;

/// <summary>
/// Builds the demo: services, middleware and endpoints. <c>Program</c> runs it; the tests and
/// <c>bench web</c> build the same app in-process.
/// </summary>
public static class CaptionWebApp
{
    /// <param name="args">Command-line arguments (<c>--urls</c>, <c>--model</c>, <c>--ImageCaptioning:QueueLimit=8</c>…).</param>
    /// <param name="configure">Last-minute changes before the app is built (tests, benchmarks).</param>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Content root = the app's own folder, so appsettings.json is found whatever the working directory is.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        WebConfiguration.Apply(builder, args);
        AddServices(builder.Services, builder.Configuration);
        configure?.Invoke(builder);

        var app = builder.Build();
        ConfigurePipeline(app);
        return app;
    }

    private static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebOptions>().Bind(configuration.GetSection(WebOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebOptions>, WebOptionsValidator>();
        services.AddSingleton(_ => CaptioningPaths.FromEnvironment());
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<CaptionerHost>();
        services.AddHostedService(sp => sp.GetRequiredService<CaptionerHost>());
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<WebOptions>>().Value;
            string builtIn = Path.Combine(WebRoot.Resolve(sp.GetRequiredService<IWebHostEnvironment>()), WebRoot.ExamplesFolder);
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger<ExampleCatalog>();
            return new ExampleCatalog(builtIn, options.ExamplesFolder, options.ImageLimits, logger,
                Flickr8kTestPhotos.TryLoad(options.Flickr8kFolder, logger));
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<WebOptions>>().Value;
            return new FlagStore(options.EffectiveFlagFolder, options.ImageLimits, sp.GetRequiredService<TimeProvider>(), options.FlagQuotaBytes);
        });
        services.AddCaptionQueue();
        services.AddSingleton<CaptionLoad>();
        services.AddFlagRateLimit();
        services.AddRequestBodyLimits();
        services.AddHostFilterProblem();
        services.AddOpenApi();
        services.AddCaptionHealthChecks();
        services.AddCaptionTelemetry(configuration);
        // ASP.NET Core writes JSON with the relaxed encoder, which leaves < > & ' as they are. The strict default
        // escapes them (\u003C…), so a caption is never markup even if something renders the JSON as HTML.
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Encoder = JavaScriptEncoder.Default);
    }

    private static void ConfigurePipeline(WebApplication app)
    {
        app.UseHostFilterMarker();
        app.UseSecurityHeaders();
        app.UseMiddleware<ApiExceptionMiddleware>();
        app.UseStatusCodePages(ApiStatusPages.WriteAsync); // bodiless 404/405 under /api/ get the JSON error shape

        var files = new PhysicalFileProvider(WebRoot.Resolve(app.Environment));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            // The page is small and changes with the app: always revalidate instead of serving a stale script.
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
        app.UseRateLimiter(); // the flag endpoint's per-client limit; captions queue in CaptionQueue, after their body is read

        app.MapOpenApi(); // /openapi/v1.json
        app.MapApiReference(); // /scalar
        app.MapCaptionHealthChecks(); // /health/live, /health/ready
        app.MapCaptionTelemetry(); // /metrics
        app.MapCaptioningApi(); // everything under /api
    }
}
