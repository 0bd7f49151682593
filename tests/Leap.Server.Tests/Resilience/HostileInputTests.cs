using System.Text;
using System.Text.Json;
using Dapper;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.Resilience;

/// <summary>
/// Generated hostile input at every endpoint the server maps: malformed and deeply nested JSON, wrong types,
/// huge values, impossible dates and offsets, overflowing numbers, Unicode edge cases, SQL-looking strings and
/// path traversal. Every answer must be a 2xx or 4xx in the Jump envelope (never a 5xx), and a rejected
/// request must leave the database exactly as it was.
/// </summary>
public abstract class HostileInputTests(LeapFixture server)
{
    private const int CasesPerEndpoint = 40;

    private static readonly string[] Fields =
    [
        "first_name", "last_name", "date_of_birth", "email", "phone", "nhs_number", "status", "archived", "archive_reason",
        "name", "duration", "price", "pricing_type", "is_active", "buffer_before_minutes", "title", "patient_id",
        "appointment_type_id", "clinician_profile_id", "location_id", "start_time", "end_time", "allow_overlap",
        "cancellation_reason", "description", "consent_sms", "postcode", "episode_id", "is_remote", "remote_channel",
    ];

    /// <summary>JSON fragments (already encoded) that are hostile as a field value.</summary>
    private static readonly string[] Values =
    [
        "\"' OR '1'='1\"", "\"'; DROP TABLE patients; --\"", "\"../../../../etc/passwd\"", "\"..%2f..%2fetc%2fpasswd\"",
        "\"\\u0000\"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\u202eevil\"", "\"\\u200b\"", "\"🩺🏥\"", "\"e\\u0301\"",
        "\"<script>alert(1)</script>\"", "\"%00\"", "\"\\\\\"", "\"\"", "\"   \"", "null", "true", "false", "[]", "{}", "[[[]]]",
        "{\"$ne\": null}", "0", "-1", "1e309", "-1e309", "9223372036854775808", "99999999999999999999999999", "0.5", "1e-400",
        "\"2026-02-30\"", "\"2026-13-01T00:00:00Z\"", "\"2026-01-01T25:00:00Z\"", "\"2026-01-01T00:00:00+25:00\"",
        "\"2026-01-01T00:00:00+14:59\"", "\"0000-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59.9999999Z\"", "\"2026-01-01T00:00:00\"",
        "\"pat_00000000-0000-7000-8000-000000000000\"", "\"tmpl_../../x\"", $"\"{new string('x', 70_000)}\"",
    ];

    /// <summary>Whole bodies that are hostile as a request.</summary>
    private static readonly string[] Bodies =
    [
        "{", "}", "{\"first_name\": }", "[1,2]", "\"just a string\"", "null", "12", "{\"a\":1,}", "{'single': 'quotes'}",
        "{\"first_name\": \"NaN\", \"price\": NaN}", "\u0000", "{\"x\": \"\\uZZZZ\"}",
        new string('[', 5000) + new string(']', 5000),
        "{" + string.Concat(Enumerable.Range(0, 3000).Select(i => $"\"k{i}\":{i},")) + "\"end\":1}",
    ];

    private static readonly string[] PathIds =
    [
        "..%2F..%2Fetc%2Fpasswd", "%27%20OR%201%3D1--", "pat_%00", new string('a', 3000), "%E2%80%AE", "%F0%9F%A9%BA", "null", "-1",
    ];


    [Fact]
    public async Task Hostile_requests_never_cause_a_5xx_and_rejections_change_nothing()
    {
        var t = await server.NewTenantAsync();
        var ids = await ArrangeAsync(t);
        var random = new Random(20261124);
        var failures = new List<string>();

        // The database as it is before the next request: taken again only after a request that was accepted (a rejected
        // one left it as it was, which is what the check after it proved).
        string? before = null;
        foreach (var endpoint in ApiEndpoint.All(server.Services))
        {
            for (var i = 0; i < CasesPerEndpoint; i++)
            {
                var (path, body) = HostileRequest(endpoint, ids, random, i);
                before ??= await SnapshotAsync(t);
                var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), path);
                if (body is not null)
                {
                    request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                    request.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString());
                }
                var result = await t.Api.SendAsync(request);
                var problem = Check(result);
                if (result.StatusCode < 400 || problem is not null)
                {
                    before = null;
                }
                else if (await SnapshotAsync(t) is var after && after != before)
                {
                    problem = "a rejected request changed the database";
                    before = after;
                }
                if (problem is not null)
                {
                    failures.Add($"{endpoint.Method} {path} body={Shorten(body)} -> {result.StatusCode}: {problem} {Shorten(result.Raw)}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(20)) + Environment.NewLine + TestLogs.RecentErrors());
        // SQL-looking text is data, never code: every table is still there and still answers.
        (await t.Api.GetAsync("patients")).Expect(200);
        (await t.Api.GetAsync("appointments")).Expect(200);
    }

    [Fact]
    public async Task Sql_looking_and_unusual_text_is_stored_verbatim()
    {
        var t = await server.NewTenantAsync();
        string[] names = ["Robert'); DROP TABLE patients;--", "O'Brien", "Zoë Ünïcödé", "李小龙", "مريم", "🩺 Emoji", "e\u0301", "a\\b"];
        foreach (var name in names)
        {
            var created = (await t.Api.PostAsync("patients", new { first_name = name, last_name = "Verbatim", date_of_birth = "1980-01-01" })).Expect(201);
            Assert.Equal(name.Normalize(), created.Data.GetProperty("first_name").GetString()!.Normalize());
            Assert.Equal(name, (await t.Api.GetAsync($"patients/{created.Id}")).Data.GetProperty("first_name").GetString());
        }
        Assert.Equal(names.Length, (await t.Api.GetAsync("patients?search=verbatim")).Ids().Count);
    }

    private static (string Path, string? Body) HostileRequest(ApiEndpoint endpoint, IReadOnlyDictionary<string, string> ids, Random random, int i)
    {
        // A third of the cases attack the path, the rest the body or the query string.
        var path = endpoint.PathWith(i % 3 == 0 ? PathIds[random.Next(PathIds.Length)] : ids.GetValueOrDefault(endpoint.Resource, "x_00000000-0000-7000-8000-000000000000"));
        if (endpoint.Method is "GET" or "DELETE")
        {
            var field = Fields[random.Next(Fields.Length)];
            // Decoded JSON text, so escapes such as \u0000 arrive in the query string as the characters they stand for.
            var fragment = Values[random.Next(Values.Length)];
            string raw;
            try
            {
                raw = JsonSerializer.Deserialize<JsonElement>(fragment) is { ValueKind: JsonValueKind.String } text ? text.GetString()! : fragment;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                raw = fragment.Trim('"');
            }
            return ($"{path}?{field}={Uri.EscapeDataString(raw[..Math.Min(raw.Length, 3000)])}&limit={random.Next(-5, 500)}", null);
        }
        if (i % 4 == 1)
        {
            return (path, Bodies[random.Next(Bodies.Length)]);
        }
        var members = Enumerable.Range(0, random.Next(1, 6))
            .Select(_ => $"\"{Fields[random.Next(Fields.Length)]}\": {Values[random.Next(Values.Length)]}");
        return (path, "{" + string.Join(", ", members) + "}");
    }

    private static string? Check(ApiResult result)
    {
        if (result.StatusCode >= 500)
        {
            return "server error";
        }
        try
        {
            var body = result.Body;
            if (!body.TryGetProperty("meta", out var meta) || !meta.TryGetProperty("request_id", out var requestId))
            {
                return "no meta.request_id";
            }
            if (requestId.GetString() != result.Header("X-Request-Id"))
            {
                return "X-Request-Id is not meta.request_id";
            }
            if (result.StatusCode >= 400 && (body.GetProperty("data").ValueKind != JsonValueKind.Null || result.ErrorCode is null))
            {
                return "error not in the envelope";
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return "body is not the JSON envelope";
        }
        return null;
    }

    private async Task<IReadOnlyDictionary<string, string>> ArrangeAsync(TestTenant t)
    {
        var patient = await t.CreatePatientAsync("Hostile", "Target");
        var template = await t.CreateTemplateAsync();
        var clinician = await t.CreateClinicianAsync();
        var appointment = (await t.Api.PostAsync("appointments", new
        {
            title = "Target", patient_id = patient, appointment_type_id = template, clinician_profile_id = clinician,
            start_time = "2031-03-03T10:00:00Z", end_time = "2031-03-03T10:30:00Z",
        })).Expect(201).Id;
        return new Dictionary<string, string> { ["patients"] = patient, ["appointment-templates"] = template, ["appointments"] = appointment };
    }

    private static readonly string[] SnapshotTables = ["patients", "appointment_templates", "appointments", "idempotency_keys"];

    /// <summary>
    /// Every row of the tenant's data, as text, once whatever earlier requests queued is routed (so a change made
    /// through routing shows too): equal snapshots mean nothing changed. One round trip for the four tables.
    /// </summary>
    private async Task<string> SnapshotAsync(TestTenant t)
    {
        await t.RoutedAsync();
        await using var connection = await server.Services.GetRequiredService<Database>().OpenAsync();
        var text = new StringBuilder();
        await using var tables = await connection.QueryMultipleAsync(
            string.Join(";\n", SnapshotTables.Select(table => $"SELECT * FROM {table} WHERE org_id = @OrgId ORDER BY 1, 2, 3, 4")), new { t.OrgId });
        foreach (var _ in SnapshotTables)
        {
            foreach (IDictionary<string, object?> row in await tables.ReadAsync())
            {
                text.AppendJoin('|', row.Values.Select(v => v is byte[] bytes ? Convert.ToBase64String(bytes) : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))).AppendLine();
            }
        }
        return text.ToString();
    }

    private static string Shorten(string? text) => text is null ? "-" : text.Length > 200 ? text[..200] + "…" : text;
}

public sealed class HostileInputTestsOnSqlite(SqliteServer server) : HostileInputTests(server);
public sealed class HostileInputTestsOnPostgres(PostgresServer server) : HostileInputTests(server);
