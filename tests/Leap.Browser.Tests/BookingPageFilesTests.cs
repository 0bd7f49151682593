using System.Net;
using System.Text.RegularExpressions;
using Leap.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Browser.Tests;

/// <summary>
/// How the server serves the page's files (no browser needed; the engine does not matter, so SQLite only):
/// at /book, with a policy that forbids anything from elsewhere, and without disturbing the API's envelopes.
/// </summary>
public sealed partial class BookingPageFilesTests(SqliteServer server)
{
    private const string Policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
                                  "form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Http() => new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(server.BaseUrl) };

    private static string PageFolder(LeapFixture fixture) =>
        Path.Combine(fixture.Services.GetRequiredService<IWebHostEnvironment>().WebRootPath, "book");

    [Fact]
    public async Task Book_redirects_to_the_page_which_is_served_with_a_strict_policy()
    {
        using var http = Http();
        using var redirect = await http.GetAsync("/book", Ct);
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        Assert.Equal(server.BaseUrl + "/book/", redirect.Headers.Location?.ToString());

        using var page = await http.GetAsync("/book/", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>Book an appointment</h1>", await page.Content.ReadAsStringAsync(Ct));
        Assert.Equal(Policy, string.Join(",", page.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", string.Join(",", page.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", string.Join(",", page.Headers.GetValues("Referrer-Policy")));
        Assert.True(page.Headers.CacheControl?.NoCache);
        Assert.StartsWith("req_", string.Join(",", page.Headers.GetValues("X-Request-Id")));

        // Revalidation is cheap: an unchanged file is a 304 without a body.
        using var again = new HttpRequestMessage(HttpMethod.Get, "/book/");
        again.Headers.IfNoneMatch.Add(page.Headers.ETag!);
        using var notModified = await http.SendAsync(again, Ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Theory]
    [InlineData("index.html", "text/html")]
    [InlineData("app.js", "text/javascript")]
    [InlineData("api.js", "text/javascript")]
    [InlineData("dates.js", "text/javascript")]
    [InlineData("book.css", "text/css")]
    [InlineData("favicon.svg", "image/svg+xml")]
    public async Task Every_file_of_the_page_is_served_from_this_server(string file, string mediaType)
    {
        using var http = Http();
        using var response = await http.GetAsync("/book/" + file, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(PageFolder(server), file), Ct), await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public void The_page_refers_to_nothing_outside_this_server()
    {
        var files = Directory.GetFiles(PageFolder(server));
        Assert.Equal(["api.js", "app.js", "book.css", "dates.js", "favicon.svg", "index.html"], files.Select(Path.GetFileName).Order());
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            // An SVG's xmlns is a name, not a request.
            var external = ExternalReference().Matches(text).Where(m => !text[..m.Index].EndsWith("xmlns=\"", StringComparison.Ordinal)).ToList();
            Assert.True(external.Count == 0, $"{Path.GetFileName(file)} refers to {string.Join(", ", external.Select(m => m.Value))}");
            Assert.DoesNotContain("@import", text, StringComparison.Ordinal);
            Assert.DoesNotContain("@font-face", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_missing_file_is_a_404_in_the_error_envelope_and_the_API_is_unaffected()
    {
        using var http = Http();
        var anonymous = new ApiClient(http, null);
        (await anonymous.GetAsync("/book/missing.js")).ExpectError(404, "NOT_FOUND");
        (await anonymous.PostAsync("/book/", new { })).ExpectError(404, "NOT_FOUND");
        (await anonymous.GetAsync("/api/v1/patients")).ExpectError(401, "UNAUTHORISED");
        (await anonymous.GetAsync("/api/v1/book")).ExpectError(404, "NOT_FOUND");
    }

    [GeneratedRegex(@"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();
}
