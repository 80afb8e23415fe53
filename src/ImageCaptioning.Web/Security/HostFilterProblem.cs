using ImageCaptioning.Web.Problems;
using Microsoft.AspNetCore.HostFiltering;

namespace ImageCaptioning.Web.Security;

/// <summary>
/// Gives the host filter's refusal (a Host header not in <c>AllowedHosts</c>: 400) the same problem details as every
/// other client error. The host filter runs before the app's own pipeline, so this wraps it from the outside: a
/// startup filter registered first, which answers when the request came back 400, empty, and never reached the app.
/// </summary>
public static class HostFilterProblem
{
    private static readonly object ReachedApp = new();

    public static IServiceCollection AddHostFilterProblem(this IServiceCollection services)
    {
        services.PostConfigure<HostFilteringOptions>(options => options.IncludeFailureMessage = false);
        // First in the list = outermost: startup filters wrap in registration order.
        services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, OuterFilter>());
        return services;
    }

    /// <summary>Marks requests that passed the host filter; call first in the app's pipeline.</summary>
    public static IApplicationBuilder UseHostFilterMarker(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Items[ReachedApp] = true;
        return next(context);
    });

    private sealed class OuterFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, inner) =>
            {
                await inner(context);
                if (context.Response.StatusCode == StatusCodes.Status400BadRequest && !context.Response.HasStarted
                    && !context.Items.ContainsKey(ReachedApp))
                {
                    context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HostFilterProblem))
                        .LogInformation("Request {Method} {Path} refused with 400: host '{Host}' is not allowed", context.Request.Method, context.Request.Path, context.Request.Host.Value);
                    await ApiProblem.WriteAsync(context, StatusCodes.Status400BadRequest, new ApiError(ApiErrorCode.UnknownHost,
                        "This server does not answer to the host name in the request; its AllowedHosts setting lists the names it does."));
                }
            });
            next(app);
        };
    }
}
