using Leap.Server.Fhir;
using Leap.Server.Storage;

namespace Leap.Server.Http;

/// <summary>
/// Makes every failure leave in the Jump error envelope: thrown <see cref="ApiException"/>s, framework
/// rejections (bad request bodies, too large, no route, wrong method) and unexpected exceptions alike.
/// </summary>
public sealed class ErrorHandling(ILogger<ErrorHandling> logger) : IMiddleware
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (ApiException e)
        {
            if (e.RetryAfter is { } retryAfter && !context.Response.HasStarted)
            {
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            if (e.Status == 401 && !context.Response.HasStarted)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
            }
            if (e.Status == 413 && !context.Response.HasStarted)
            {
                // Refused before the body was read: the rest of it is still on its way.
                RefusedRequests.CloseAfterResponse(context);
            }
            await WriteAsync(context, e.Status, e.ToBody());
            return;
        }
        catch (WriteContentionException e)
        {
            // Nothing was written; the same request a moment later (with the same Idempotency-Key) may succeed.
            logger.LogWarning("Gave up {Method} {Route} after {Attempts} attempts lost to concurrent writes ({Reason}), request {RequestId}",
                context.Request.Method, RouteOf(context), e.Attempts, e.Reason, RequestIds.Get(context));
            if (!context.Response.HasStarted)
            {
                context.Response.Headers.RetryAfter = ((int)Database.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            await WriteAsync(context, 503, new ErrorBody(ErrorCodes.ServiceUnavailable,
                "Other requests were changing the same records at the same moment and this one could not get its turn; " +
                "nothing was changed. Retry after the Retry-After delay (a create with the same Idempotency-Key)."));
            return;
        }
        catch (BadHttpRequestException e)
        {
            // The server could not read the body (malformed chunks, too slow, too large): the connection is unusable.
            var status = e.StatusCode is 408 or 413 ? e.StatusCode : 400;
            var message = status switch
            {
                408 => "The request body arrived too slowly.",
                413 => "Request body is too large.",
                _ => e.Message,
            };
            RefusedRequests.CloseAfterResponse(context);
            await WriteAsync(context, status, new ErrorBody(ErrorCodes.ForStatus(status), message));
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
            return;
        }
        catch (Exception e)
        {
            // The line names what a quoted request id needs to find and reproduce the failure, never the path itself
            // (it can hold an external id) or the request's data.
            logger.LogError(e, "Unhandled {ExceptionType} on {Method} {Route} (request {RequestId})",
                e.GetType().FullName, context.Request.Method, RouteOf(context), RequestIds.Get(context));
            await WriteAsync(context, 500, new ErrorBody(ErrorCodes.InternalError,
                $"An unexpected error occurred. Quote request id {RequestIds.Get(context)} when reporting it."));
            return;
        }

        // Routing and the framework answer some requests with an empty error (404, 405, 415...): give them a body.
        var response = context.Response;
        if (!response.HasStarted && response.StatusCode >= 400 && response.ContentLength is null && response.ContentType is null)
        {
            await WriteAsync(context, response.StatusCode, new ErrorBody(ErrorCodes.ForStatus(response.StatusCode), DescribeEmpty(context)));
        }
    }

    private static string DescribeEmpty(HttpContext context)
    {
        var request = context.Request;
        return context.Response.StatusCode switch
        {
            404 => $"No endpoint matches {request.Method} {request.Path}.",
            405 => $"{request.Method} is not allowed on {request.Path}." +
                   (context.Response.Headers.Allow.Count > 0 ? $" Allowed: {context.Response.Headers.Allow}." : ""),
            415 => "Send the request body as JSON with 'Content-Type: application/json'.",
            _ => $"The request failed with status {context.Response.StatusCode}.",
        };
    }

    /// <summary>The route template that matched (<c>/api/v1/patients/{id}</c>), or a marker when none did.</summary>
    private static string RouteOf(HttpContext context) =>
        (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";

    private async Task WriteAsync(HttpContext context, int status, ErrorBody error)
    {
        if (context.Response.HasStarted)
        {
            logger.LogWarning("Could not report {Code} on {Method} {Route} (request {RequestId}): the response had already started",
                error.Code, context.Request.Method, RouteOf(context), RequestIds.Get(context));
            context.Abort();
            return;
        }
        if (FhirApi.Serves(context.Request.Path))
        {
            await FhirJson.WriteErrorAsync(context, status, error);
            return;
        }
        await ApiResponse.WriteErrorAsync(context, status, error);
    }
}
