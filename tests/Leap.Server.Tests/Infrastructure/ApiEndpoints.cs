using System.Text.RegularExpressions;
using Leap.Server.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.Infrastructure;

/// <summary>One method + route of the API, as the server's route table has it.</summary>
public sealed record ApiEndpoint(string Method, string Pattern, string? Scope)
{
    /// <summary>The resource segment after the API root, e.g. "patients".</summary>
    public string Resource => Pattern.Split('/', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(2) ?? "";

    public bool HasId => Pattern.Contains('{', StringComparison.Ordinal);

    /// <summary>The pattern with every route parameter replaced by <paramref name="id"/>.</summary>
    public string PathWith(string id = "x_00000000-0000-7000-8000-000000000000") => Regex.Replace(Pattern, @"\{[^}]+\}", id);

    /// <summary>
    /// Every endpoint the server maps under the API root, read from its route table, so that tests
    /// sweeping all endpoints cover a new one the day it is added.
    /// </summary>
    public static IReadOnlyList<ApiEndpoint> All(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(ApiPaths.Root, StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => new ApiEndpoint(method, e.RoutePattern.RawText!, e.Metadata.GetMetadata<RequiredScope>()?.Scope)))
            .OrderBy(e => e.Pattern, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)
            .ToList();
}
