using System.Net;
using System.Text.RegularExpressions;
using Leap.Server.StaffApp;

namespace Leap.Server.Tests.Infrastructure;

/// <summary>
/// A person at a browser: a cookie jar of their own, the sign-in form filled in as a browser posts it (with the
/// antiforgery field it was served), and the API reached with the session cookie and no Authorization header.
/// </summary>
public sealed partial class StaffBrowser : IDisposable
{
    private readonly HttpClient http;

    public StaffBrowser(LeapFixture server)
    {
        Cookies = new CookieContainer();
        http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(server.BaseUrl) };
        Api = new ApiClient(http, null);
    }

    public CookieContainer Cookies { get; }

    /// <summary>The API as this browser calls it: the cookies only (add the token with <see cref="UseAntiforgeryAsync"/>).</summary>
    public ApiClient Api { get; }

    public string? SessionCookie => Cookies.GetAllCookies().FirstOrDefault(c => c.Name == StaffSessions.CookieName)?.Value;

    public sealed record Page(HttpStatusCode Status, string Html, string? Location, IReadOnlyList<string> SetCookies)
    {
        public string? Alert => AlertText().Match(Html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;
    }

    public Task<Page> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    /// <summary>Opens the sign-in form and posts it, as a browser does.</summary>
    public async Task<Page> SignInAsync(string email, string password)
    {
        var form = await GetAsync(StaffAppEndpoints.SignInPath);
        return await PostFormAsync(StaffAppEndpoints.SignInPath, form.Html, ("email", email), ("password", password));
    }

    /// <summary>Posts a form of <paramref name="page"/> (its antiforgery field included) to <paramref name="action"/>.</summary>
    public Task<Page> PostFormAsync(string action, string page, params (string Name, string Value)[] fields)
    {
        var token = TokenField().Match(page);
        IEnumerable<KeyValuePair<string, string>> values = fields.Select(f => KeyValuePair.Create(f.Name, f.Value));
        if (token.Success)
        {
            values = values.Append(KeyValuePair.Create(token.Groups[1].Value, WebUtility.HtmlDecode(token.Groups[2].Value)));
        }
        return SendAsync(new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(values) });
    }

    /// <summary>Reads <c>GET /app/session</c> and sends its antiforgery token with every later request.</summary>
    public async Task<ApiResult> UseAntiforgeryAsync()
    {
        var session = (await Api.GetAsync("/app/session")).Expect(200);
        var antiforgery = session.Data.GetProperty("antiforgery");
        http.DefaultRequestHeaders.Remove(StaffSessions.AntiforgeryHeader);
        http.DefaultRequestHeaders.Add(antiforgery.GetProperty("header_name").GetString()!, antiforgery.GetProperty("token").GetString());
        return session;
    }

    public async Task<Page> SendAsync(HttpRequestMessage request)
    {
        using var response = await http.SendAsync(request);
        var setCookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        return new Page(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location?.OriginalString, setCookies);
    }

    public void Dispose() => http.Dispose();

    [GeneratedRegex("""<input type="hidden" name="([^"]+)" value="([^"]+)">""")]
    private static partial Regex TokenField();

    [GeneratedRegex("""role="alert">([^<]*)<""")]
    private static partial Regex AlertText();
}
