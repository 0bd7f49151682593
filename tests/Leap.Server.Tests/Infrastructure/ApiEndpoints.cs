using System.Text.RegularExpressions;
using Leap.Server.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.Infrastructure;

/// <summary>
/// One method + route of the API, as the server's route table has it: the scope it needs (none for the routes that
/// only explain why a method is not allowed, and the patients' endpoints, opened by a manage link or a clinic's slug),
/// whether it creates a record (answers 201), and whether patients call it without a key.
/// </summary>
public sealed record ApiEndpoint(string Method, string Pattern, string? Scope, bool Creates = false, bool ByPatient = false)
{
    /// <summary>The resource segment after the API root, e.g. "patients".</summary>
    public string Resource => Pattern.Split('/', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(2) ?? "";

    /// <summary>True when the route addresses one record by its id (not, say, an external id).</summary>
    public bool HasId => Pattern.Contains("{id}", StringComparison.Ordinal);

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
                .Select(method => new ApiEndpoint(method, e.RoutePattern.RawText!, e.Metadata.GetMetadata<RequiredScope>()?.Scope,
                    e.Metadata.OfType<IProducesResponseTypeMetadata>().Any(m => m.StatusCode == 201),
                    e.Metadata.GetMetadata<global::Leap.Server.OnlineBooking.PatientEndpoint>() is not null)))
            .OrderBy(e => e.Pattern, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)
            .ToList();
}
