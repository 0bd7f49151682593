using System.Text;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Resilience;

/// <summary>
/// Requests that are malformed as HTTP, sent over raw sockets to every route the server maps: illegal bytes in the
/// path and in headers, an over-long request line, over-large headers, bad Content-Length and Transfer-Encoding, a
/// bad chunked body, an unsupported media type, a wrong method. Some never reach the API (the HTTP server refuses
/// them while parsing); all must still be answered in the Jump envelope, with the X-Request-Id of meta.request_id
/// and the status that names the fault, and none may be a 5xx.
/// </summary>
public abstract class HostileTransportTests(LeapFixture server)
{
    private const string Junk = "x_00000000-0000-7000-8000-000000000000";

    /// <summary>One kind of malformed request: how to build it for a route, and the statuses that are right for it.</summary>
    private sealed record Malformed(string Name, Func<Route, byte[]> Build, Func<ApiEndpoint, int[]> Expected);

    /// <summary>A route to attack, the key to send, and the methods its path answers to.</summary>
    private sealed record Route(ApiEndpoint Endpoint, string Key, IReadOnlySet<string> Allowed);

    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    private static readonly Malformed[] Classes =
    [
        new("NUL (%00) in the path", r => Get(r, Target(r.Endpoint, "pat_%00")), _ => [400]),
        new("invalid UTF-8 byte in the path", r => Get(r, Target(r.Endpoint, "pat_\u00ff")), _ => [400]),
        new("control character in the path", r => Get(r, Target(r.Endpoint, "pat_\u0001")), ReachesTheApi),
        new("encoded control character in the path", r => Get(r, Target(r.Endpoint, "pat_%01%7F")), ReachesTheApi),
        new("Latin-1 byte in Authorization", r => Request(r.Endpoint, Target(r.Endpoint), "Authorization: Bearer pk_test_caf\u00e9"), BadAuthorization),
        new("UTF-8 in Authorization", r => Request(r.Endpoint, Target(r.Endpoint), "Authorization: Bearer pk_test_caf\u00c3\u00a9"), BadAuthorization),
        new("NUL in Authorization", r => Request(r.Endpoint, Target(r.Endpoint), "Authorization: Bearer pk_test_\u0000"), _ => [400]),
        new("Latin-1 byte in Idempotency-Key", r => Json(r, "{}", "Idempotency-Key: cl\u00e9"), BadKey),
        new("UTF-8 in Idempotency-Key", r => Json(r, "{}", "Idempotency-Key: cl\u00c3\u00a9"), BadKey),
        new("request line over 8 KiB (a 1 MB URL)", r => Request(r.Endpoint, Target(r.Endpoint) + "?q=" + new string('a', 1_000_000), Auth(r.Key)), _ => [414]),
        new("header over 32 KiB (64 KB)", r => Request(r.Endpoint, Target(r.Endpoint), Auth(r.Key), "X-Padding: " + new string('a', 64 * 1024)), _ => [431]),
        new("more than 100 headers", r => Request(r.Endpoint, Target(r.Endpoint), [Auth(r.Key), .. Enumerable.Range(0, 150).Select(i => $"X-Header-{i}: {i}")]), _ => [431]),
        new("Content-Length that is not a number", r => Body(r, "{}", "Content-Length: two"), _ => [400]),
        new("two different Content-Lengths", r => Body(r, "{}", "Content-Length: 2", "Content-Length: 3"), _ => [400]),
        new("Transfer-Encoding other than chunked", r => Body(r, "{}", "Transfer-Encoding: gzip"), _ => [400]),
        new("malformed chunked body", r => Body(r, "zz\r\n{}\r\n0\r\n\r\n", "Transfer-Encoding: chunked"), ReadsTheBody(400)),
        new("unsupported media type", r => Body(r, "first_name=Ann", "Content-Type: application/x-www-form-urlencoded", "Content-Length: 14"), ReadsTheBody(415)),
        new("wrong method", r => Request(r.Endpoint with { Method = WrongMethod(r) }, Target(r.Endpoint), Auth(r.Key)), _ => [405]),
        new("no Host header", r => RawHttp.Head($"{r.Endpoint.Method} {Target(r.Endpoint)} HTTP/1.1", Auth(r.Key), "Content-Length: 0"), _ => [400]),
        new("malformed header line", r => Request(r.Endpoint, Target(r.Endpoint), Auth(r.Key), "Bad Header : x"), _ => [400]),
        new("malformed request line", r => RawHttp.Head($"{r.Endpoint.Method}  {Target(r.Endpoint)}  HTTP/1.1", "Host: leap.test", Auth(r.Key)), _ => [400]),
    ];

    [Fact]
    public async Task Every_malformed_request_to_every_route_is_answered_in_the_envelope_with_its_status()
    {
        var t = await server.NewTenantAsync();
        var failures = new List<string>();
        var summary = new List<string>();
        var endpoints = ApiEndpoint.All(server.Services);
        Assert.NotEmpty(endpoints);

        foreach (var malformed in Classes)
        {
            var answered = 0;
            foreach (var endpoint in endpoints)
            {
                // The patients' endpoints look their manage link or slug up first: this junk one answers 404 before the rest is read.
                var expected = endpoint.ByPatient ? [.. malformed.Expected(endpoint), 404] : malformed.Expected(endpoint);
                var where = $"{malformed.Name}: {endpoint.Method} {endpoint.Pattern}";
                RawResponse response;
                try
                {
                    var allowed = endpoints.Where(e => e.Pattern == endpoint.Pattern).Select(e => e.Method).ToHashSet();
                    response = await RawHttp.SendAsync(server.BaseUrl, malformed.Build(new Route(endpoint, t.Api.Key!, allowed)));
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
                {
                    failures.Add($"{where} -> no answer ({e.Message})");
                    continue;
                }
                var problem = response.EnvelopeProblem()
                    ?? (response.Status >= 500 ? "a server error"
                        : !expected.Contains(response.Status) ? $"expected {string.Join(" or ", expected)}" : null);
                if (problem is null)
                {
                    answered++;
                }
                else
                {
                    failures.Add($"{where} -> {response.Status}: {problem} {response.Body[..Math.Min(response.Body.Length, 200)]}");
                }
            }
            summary.Add($"{malformed.Name}: {endpoints.Count} sent, {answered} answered in the envelope with the right status");
        }

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(Environment.NewLine, summary));
        Assert.True(failures.Count == 0, $"{failures.Count} wrong answers:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(30))}");
        (await t.Api.GetAsync("patients")).Expect(200);
    }

    [Fact]
    public async Task An_unsupported_HTTP_version_is_answered_505_in_the_envelope()
    {
        var t = await server.NewTenantAsync();
        var response = await RawHttp.SendAsync(server.BaseUrl, RawHttp.Head("GET /api/v1/patients HTTP/3.0", "Host: leap.test", Auth(t.Api.Key!)));
        Assert.Equal(505, response.Status);
        Assert.Null(response.EnvelopeProblem());
        Assert.Equal("HTTP_VERSION_NOT_SUPPORTED", response.ErrorCode);
        Assert.Equal("close", response.Header("Connection"));
    }

    [Fact]
    public async Task A_refused_request_says_Connection_close_and_the_server_keeps_serving()
    {
        var t = await server.NewTenantAsync();
        var refused = await RawHttp.SendAsync(server.BaseUrl, RawHttp.Head("GET /api/v1/patients/pat_%00 HTTP/1.1", "Host: leap.test", Auth(t.Api.Key!)));
        Assert.Equal(400, refused.Status);
        Assert.Equal("BAD_REQUEST", refused.ErrorCode);
        Assert.Equal("close", refused.Header("Connection"));
        Assert.StartsWith("req_", refused.Header("X-Request-Id"));
        (await t.Api.GetAsync("patients")).Expect(200);
    }

    /// <summary>A bad byte that the HTTP server lets through: the API answers it (no such record, route or field).</summary>
    private static int[] ReachesTheApi(ApiEndpoint endpoint) => [400, 404, 405, 422];

    /// <summary>Every route that needs a key refuses a malformed one; the others only explain why the method is not allowed.</summary>
    private static int[] BadAuthorization(ApiEndpoint endpoint) => endpoint.Scope is null ? [405] : [401];

    /// <summary>A POST that creates refuses a malformed Idempotency-Key; other routes (a PUT is idempotent anyway) ignore it.</summary>
    private static int[] BadKey(ApiEndpoint endpoint) => endpoint is { Method: "POST", Creates: true } ? [400] : [200, 400, 404, 405, 422];

    /// <summary>
    /// A create refuses the body with <paramref name="status"/>; other routes may look at the id or the query first. A GET
    /// never reads a body; a DELETE may (the directory's removals read an optional <c>{"force": true}</c>, docs/directory.md).
    /// </summary>
    private static Func<ApiEndpoint, int[]> ReadsTheBody(int status) => endpoint =>
        endpoint.Creates ? [status] : endpoint.Method is "GET" ? [200, 400, 404, 405, 422] : endpoint.Method is "DELETE" ? [200, 400, 404, 405, 422, status]
        : [status, 404, 405];

    /// <summary>The route's path with <paramref name="id"/> in every parameter, or appended as one more segment.</summary>
    private static string Target(ApiEndpoint endpoint, string id = Junk) =>
        endpoint.Pattern.Contains('{', StringComparison.Ordinal) ? endpoint.PathWith(id) : endpoint.Pattern + (id == Junk ? "" : "/" + id);

    private static string WrongMethod(Route route) => Methods.First(m => !route.Allowed.Contains(m));

    private static string Auth(string key) => $"Authorization: Bearer {key}";

    private static byte[] Request(ApiEndpoint endpoint, string target, params IEnumerable<string> headers) =>
        RawHttp.Head([$"{endpoint.Method} {target} HTTP/1.1", "Host: leap.test", .. headers, .. BodyHeaders(endpoint)]);

    private static byte[] Get(Route route, string target) => Request(route.Endpoint, target, Auth(route.Key));

    /// <summary>A JSON body with the given extra headers (a POST, PATCH or PUT has a body; others send none).</summary>
    private static byte[] Json(Route route, string json, string header) =>
        route.Endpoint.Method is "GET" or "DELETE"
            ? Request(route.Endpoint, Target(route.Endpoint), Auth(route.Key), header)
            : Body(route, json, header, $"Content-Length: {json.Length}");

    /// <summary>A body with the framing headers given (JSON unless they name another Content-Type).</summary>
    private static byte[] Body(Route route, string body, params string[] headers) =>
        [.. RawHttp.Head([$"{route.Endpoint.Method} {Target(route.Endpoint)} HTTP/1.1", "Host: leap.test", Auth(route.Key),
            .. headers.Any(h => h.StartsWith("Content-Type", StringComparison.Ordinal)) ? [] : new[] { "Content-Type: application/json" },
            .. headers]), .. Encoding.ASCII.GetBytes(body)];

    /// <summary>A POST, PATCH or PUT without a body still says so, as clients do.</summary>
    private static IEnumerable<string> BodyHeaders(ApiEndpoint endpoint) => endpoint.Method is "GET" or "DELETE" ? [] : ["Content-Length: 0"];
}

public sealed class HostileTransportTestsOnSqlite(SqliteServer server) : HostileTransportTests(server);
public sealed class HostileTransportTestsOnPostgres(PostgresServer server) : HostileTransportTests(server);
