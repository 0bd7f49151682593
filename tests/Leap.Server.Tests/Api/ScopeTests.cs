using Leap.Server.Accounts;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.Api;

/// <summary>
/// Scope enforcement for every API endpoint the server maps, found from its route table so that a new
/// endpoint is covered the day it is added.
/// </summary>
public abstract class ScopeTests(LeapFixture server)
{
    private IReadOnlyList<ApiEndpoint> Endpoints() => ApiEndpoint.All(server.Services);

    [Fact]
    public async Task Every_api_endpoint_requires_a_known_scope_unless_it_only_refuses_the_method()
    {
        var t = await server.NewTenantAsync();
        var endpoints = Endpoints();
        Assert.NotEmpty(endpoints);
        // The patients' endpoints take no key: a manage link's token or a clinic's slug opens them (OnlineBooking and Waitlist tests).
        Assert.All(endpoints.Where(e => e.ByPatient), e => Assert.Matches("^/api/v1/(manage/\\{token\\}|public/\\{slug\\}|waitlist-offers/\\{token\\})", e.Pattern));
        foreach (var endpoint in endpoints.Where(e => e.Scope is null && !e.ByPatient))
        {
            var result = await t.Api.SendAsync(new HttpMethod(endpoint.Method), endpoint.PathWith());
            Assert.True(result.StatusCode == 405, $"{endpoint.Method} {endpoint.Pattern} has no scope and answers {result.StatusCode}");
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
            var denied = await without.SendAsync(new HttpMethod(endpoint.Method), endpoint.PathWith(), endpoint.Method == "GET" ? null : new { });
            Assert.True(denied.StatusCode == 403, $"{endpoint.Method} {endpoint.Pattern} without {endpoint.Scope}: {denied.StatusCode} {denied.Raw}");
            Assert.Equal("FORBIDDEN", denied.ErrorCode);
            Assert.Contains(endpoint.Scope!, denied.Error.GetProperty("message").GetString());

            var only = await t.KeyAsync([endpoint.Scope!]);
            var allowed = await only.SendAsync(new HttpMethod(endpoint.Method), endpoint.PathWith(), endpoint.Method == "GET" ? null : new { });
            Assert.True(allowed.StatusCode is not (401 or 403), $"{endpoint.Method} {endpoint.Pattern} with only {endpoint.Scope}: {allowed.StatusCode} {allowed.Raw}");
        }
    }
}

public abstract class TenantMatrixTests(LeapFixture server)
{
    /// <summary>
    /// For every endpoint on a record of organisation A: A's key (other mode), B's key (any mode) and a revoked
    /// key of A's never see or touch the record: 404 for the first two (exactly as if it did not exist),
    /// 401 for the revoked key; and the record is unchanged.
    /// </summary>
    [Fact]
    public async Task Other_organisations_other_modes_and_revoked_keys_never_reach_a_record()
    {
        var a = await server.NewTenantAsync();
        var patient = await a.CreatePatientAsync("Matrix", "Owner");
        var template = await a.CreateTemplateAsync();
        var appointment = (await a.Api.PostAsync("appointments", new
        {
            title = "Owned", patient_id = patient, appointment_type_id = template,
            start_time = "2031-05-05T10:00:00Z", end_time = "2031-05-05T10:30:00Z",
        })).Expect(201).Id;
        var location = (await a.Api.PostAsync("locations", new { name = "Owned site" })).Expect(201).Id;
        var clinician = (await a.Api.PostAsync("clinician-profiles", new { name = "Dr Owned" })).Expect(201).Id;
        var records = new Dictionary<string, string>
        {
            ["patients"] = patient, ["appointment-templates"] = template, ["appointments"] = appointment, ["clinician-profiles"] = clinician, ["locations"] = location,
        };
        await a.RoutedAsync();
        var before = await SnapshotAsync(a, records);

        var b = await server.NewTenantAsync();
        var otherMode = await a.KeyAsync(Scopes.All, Modes.Live);
        var otherOrgLive = await b.KeyAsync(Scopes.All, Modes.Live);
        var revoked = await a.KeyAsync(Scopes.All);
        Assert.True(await server.Services.GetRequiredService<AccountStore>().RevokeKeyAsync(revoked.KeyId!));

        foreach (var endpoint in ApiEndpoint.All(server.Services).Where(e => e.Scope is not null))
        {
            var method = endpoint.Method;
            var targetsRecord = endpoint.HasId && records.ContainsKey(endpoint.Resource);
            var path = targetsRecord ? endpoint.PathWith(records[endpoint.Resource]) : endpoint.PathWith();
            object? body = method == "GET" ? null : new { title = "Intruder", name = "Intruder", first_name = "Intruder" };
            foreach (var (who, client) in new[] { ("other mode", otherMode), ("other organisation", b.Api), ("other organisation, live", otherOrgLive) })
            {
                var result = await client.SendAsync(new HttpMethod(method), path, body);
                if (targetsRecord)
                {
                    Assert.True(result.StatusCode == 404, $"{who}: {method} {path} gave {result.StatusCode} {result.Raw}");
                }
                else if (method == "GET" && result.StatusCode == 200)
                {
                    // An organisation is one across its modes: its other mode's key names it (GET /organisation), nothing of this mode's data.
                    if (!(who == "other mode" && endpoint.Resource == "organisation"))
                    {
                        Assert.DoesNotContain(a.OrgId, result.Raw);
                    }
                    foreach (var id in records.Values)
                    {
                        Assert.DoesNotContain(id, result.Raw);
                    }
                }
            }
            var refused = await revoked.SendAsync(new HttpMethod(method), path, body);
            Assert.True(refused.StatusCode == 401, $"revoked key: {method} {path} gave {refused.StatusCode}");
        }
        Assert.Equal(before, await SnapshotAsync(a, records));
    }

    private static async Task<string> SnapshotAsync(TestTenant t, Dictionary<string, string> records)
    {
        var text = new System.Text.StringBuilder();
        foreach (var (resource, id) in records)
        {
            var data = (await t.Api.GetAsync($"{resource}/{id}")).Expect(200).Data;
            text.AppendLine(data.TryGetProperty("manage_url", out _) ? TestTenant.WithoutManageUrl(data) : data.ToString());
        }
        return text.ToString();
    }
}

public sealed class TenantMatrixTestsOnSqlite(SqliteServer server) : TenantMatrixTests(server);
public sealed class TenantMatrixTestsOnPostgres(PostgresServer server) : TenantMatrixTests(server);

public sealed class ScopeTestsOnSqlite(SqliteServer server) : ScopeTests(server);
public sealed class ScopeTestsOnPostgres(PostgresServer server) : ScopeTests(server);
