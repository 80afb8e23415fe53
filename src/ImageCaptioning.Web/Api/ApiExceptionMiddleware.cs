namespace ImageCaptioning.Web.Api;

/// <summary>
/// Catches every exception a request throws and answers with JSON <c>{error, detail}</c> and the right
/// status, so a client (or the page) never sees a blank response or a stack trace.
/// </summary>
public sealed class ApiExceptionMiddleware(RequestDelegate next, ILogger<ApiExceptionMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody is left to answer.
        }
        catch (Exception ex)
        {
            var (status, body, isBug) = ApiErrorMapping.Map(ex);
            if (isBug)
                logger.LogError(ex, "Request {Method} {Path} failed", context.Request.Method, context.Request.Path);
            else
                logger.LogInformation("Request {Method} {Path} refused with {Status}: {Detail}", context.Request.Method, context.Request.Path, status, body.Detail);
            if (context.Response.HasStarted)
            {
                context.Abort(); // half a response is worse than none
                return;
            }
            context.Response.Clear();
            if (ex is WebRequestException { RetryAfterSeconds: { } seconds })
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(body, context.RequestAborted);
        }
    }
}
