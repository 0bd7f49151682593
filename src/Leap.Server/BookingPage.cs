namespace Leap.Server;

/// <summary>
/// The booking page (docs/booking-page.md): plain static files in <c>wwwroot/book</c>, served at <c>/book/</c> for
/// front-desk staff (<c>/book</c> redirects there), and as the same page at <c>/book/{slug}</c> for an organisation's
/// patients (public online booking) and <c>/manage/{token}</c> for a patient's manage link (docs/online-booking.md).
/// The page is a client of the API like any other and needs nothing from the server beyond its files.
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
            OnPrepareResponse = context => Secure(context.Context.Response.Headers),
        });
        // The patients' addresses are the same page; its script reads which one it was opened at.
        app.MapGet(Path + "/{slug:regex(^[a-z0-9-]+$)}", Page).ExcludeFromDescription();
        app.MapGet(Notifications.ManageLinks.PagePath + "/{token}", Page).ExcludeFromDescription();
    }

    private static IResult Page(HttpContext context, IWebHostEnvironment environment)
    {
        var file = environment.WebRootFileProvider.GetFileInfo("book/index.html");
        if (!file.Exists)
        {
            throw new Http.ApiException(404, Http.ErrorCodes.NotFound, "The booking page is not served by this server.");
        }
        Secure(context.Response.Headers);
        return Results.Stream(file.CreateReadStream(), "text/html; charset=utf-8");
    }

    private static void Secure(IHeaderDictionary headers)
    {
        // Revalidate every time (ETag/Last-Modified make that cheap): after an upgrade the browser
        // must never combine a cached old script with a new page.
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        // The manage link's token is in the address: never sent on to anyone.
        headers["Referrer-Policy"] = "no-referrer";
    }
}
