using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.Api;

/// <summary>
/// Scope enforcement for every API endpoint the server maps, found from its route table so that a new
/// endpoint is covered the day it is added.
/// </summary>
public abstract class ScopeTests(LeapFixture server)
{
    private sealed record ApiEndpoint(string Method, string Path, string? Scope);

    private IReadOnlyList<ApiEndpoint> Endpoints() =>
        server.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(ApiPaths.Root, StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => new ApiEndpoint(method, e.RoutePattern.RawText!, e.Metadata.GetMetadata<RequiredScope>()?.Scope)))
            .ToList();

    private static string Concrete(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, @"\{[^}]+\}", "x_00000000-0000-7000-8000-000000000000");

    [Fact]
    public async Task Every_api_endpoint_requires_a_known_scope_unless_it_only_refuses_the_method()
    {
        var t = await server.NewTenantAsync();
        var endpoints = Endpoints();
        Assert.NotEmpty(endpoints);
        foreach (var endpoint in endpoints.Where(e => e.Scope is null))
        {
            var result = await t.Api.SendAsync(new HttpMethod(endpoint.Method), Concrete(endpoint.Path));
            Assert.True(result.StatusCode == 405, $"{endpoint.Method} {endpoint.Path} has no scope and answers {result.StatusCode}");
        }
        Assert.All(endpoints.Where(e => e.Scope is not null), e => Assert.Contains(e.Scope!, Scopes.All));
    }

    [Fact]
    public async Task A_key_missing_the_endpoint_scope_gets_403_and_a_key_with_only_that_scope_gets_through()
    {
        var t = await server.NewTenantAsync();
        foreach (var endpoint in Endpoints().Where(e => e.Scope is not null))
        {
            var without = await t.KeyAsync(Scopes.All.Where(s => s != endpoint.Scope));
            var denied = await without.SendAsync(new HttpMethod(endpoint.Method), Concrete(endpoint.Path), endpoint.Method == "GET" ? null : new { });
            Assert.True(denied.StatusCode == 403, $"{endpoint.Method} {endpoint.Path} without {endpoint.Scope}: {denied.StatusCode} {denied.Raw}");
            Assert.Equal("FORBIDDEN", denied.ErrorCode);
            Assert.Contains(endpoint.Scope!, denied.Error.GetProperty("message").GetString());

            var only = await t.KeyAsync([endpoint.Scope!]);
            var allowed = await only.SendAsync(new HttpMethod(endpoint.Method), Concrete(endpoint.Path), endpoint.Method == "GET" ? null : new { });
            Assert.True(allowed.StatusCode is not (401 or 403), $"{endpoint.Method} {endpoint.Path} with only {endpoint.Scope}: {allowed.StatusCode} {allowed.Raw}");
        }
    }
}

public sealed class ScopeTestsOnSqlite(SqliteServer server) : ScopeTests(server);
public sealed class ScopeTestsOnPostgres(PostgresServer server) : ScopeTests(server);
