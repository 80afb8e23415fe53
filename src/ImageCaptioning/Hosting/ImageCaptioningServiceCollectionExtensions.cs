using ImageCaptioning.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

// In the DI namespace, as Microsoft's own Add* extensions are, so `services.AddImageCaptioning()` needs no extra using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers image captioning in a dependency-injection container.</summary>
public static class ImageCaptioningServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="ICaptioningService"/> (the model loads on first use) configured by
    /// <paramref name="configure"/> and by any <c>services.Configure&lt;ImageCaptioningOptions&gt;(…)</c> binding.
    /// </summary>
    public static IServiceCollection AddImageCaptioning(this IServiceCollection services, Action<ImageCaptioningOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ImageCaptioningOptions>();
        if (configure is not null)
            options.Configure(configure);
        services.TryAddSingleton<ICaptioningService, CaptioningService>();
        return services;
    }
}
