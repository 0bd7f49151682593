namespace Leap.Server;

/// <summary>
/// The front-desk booking page (docs/booking-page.md): plain static files in <c>wwwroot/book</c>, served at
/// <c>/book/</c> (<c>/book</c> redirects there so the page's relative links resolve). The page is a client of
/// the public API like any other and needs nothing from the server beyond its files.
/// </summary>
public static class BookingPage
{
    public const string Path = "/book";

    /// <summary>
    /// Only this server's own files and API: no CDN, no inline script or style, no framing. A stray external
    /// reference fails in the browser instead of quietly leaking the key or patient details to a third party.
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>Whether the page's files are there to serve (a build or publish puts them under wwwroot next to the binary).</summary>
    public static bool IsServed(IWebHostEnvironment environment) =>
        environment.WebRootFileProvider.GetFileInfo("book/index.html").Exists;

    public static void UseBookingPage(this WebApplication app)
    {
        var files = app.Environment.WebRootFileProvider;
        if (!IsServed(app.Environment))
        {
            app.Logger.LogWarning("The booking page is not served: no book/index.html under the web root {WebRoot}. " +
                "The server looks for wwwroot next to its binary (leap.dll); --webroot names another folder.", app.Environment.WebRootPath);
        }
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                // Revalidate every time (ETag/Last-Modified make that cheap): after an upgrade the browser
                // must never combine a cached old script with a new page.
                headers.CacheControl = "no-cache";
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
            },
        });
    }
}
