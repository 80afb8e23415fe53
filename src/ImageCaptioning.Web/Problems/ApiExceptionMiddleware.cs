namespace ImageCaptioning.Web.Problems;

/// <summary>
/// Catches every exception a request throws and answers with problem details (<see cref="ApiProblem"/>) and the
/// right status, so a client (or the page) never sees a blank response or a stack trace. A client error costs one
/// log line at Information; only a bug (500) is logged with its stack, at Error.
/// </summary>
public sealed class ApiExceptionMiddleware(RequestDelegate next, ILogger<ApiExceptionMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (or Kestrel dropped it): nobody is left to answer.
            logger.LogDebug("Request {Method} {Path} ended with the connection: {Reason}", context.Request.Method, context.Request.Path, ex.Message);
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
            // The body of a refused upload may not have been read; do not keep the connection for whatever follows.
            bool bodyUnreadable = ex is WebRequestException { BodyUnreadable: true };
            if (bodyUnreadable || status is StatusCodes.Status408RequestTimeout or StatusCodes.Status413PayloadTooLarge)
                context.Response.Headers.Connection = "close";
            await ApiProblem.WriteAsync(context, status, body, (ex as WebRequestException)?.RetryAfterSeconds);
        }
    }
}
