using System.Text;
using Leap.Server.Accounts;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Leap.Server.Tests.Api;

/// <summary>The shared request pipeline: envelope, request ids, framework-level errors, authentication, aliases.</summary>
public abstract class PipelineTests(LeapFixture server)
{
    [Fact]
    public async Task Success_uses_the_data_meta_envelope_with_the_request_id_of_the_header()
    {
        var t = await server.NewTenantAsync();
        var result = (await t.Api.GetAsync("appointment-templates")).Expect(200);
        var requestId = result.Meta.GetProperty("request_id").GetString();
        Assert.StartsWith("req_", requestId);
        Assert.Equal(result.Header("X-Request-Id"), requestId);
        Assert.Equal(System.Text.Json.JsonValueKind.Array, result.Data.ValueKind);
    }

    [Fact]
    public async Task Unknown_route_is_404_NOT_FOUND_in_the_envelope()
    {
        var t = await server.NewTenantAsync();
        var result = (await t.Api.GetAsync("no-such-thing")).ExpectError(404, "NOT_FOUND");
        Assert.Contains("/api/v1/no-such-thing", result.Error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Unknown_record_is_404_NOT_FOUND_naming_the_id()
    {
        var t = await server.NewTenantAsync();
        var result = (await t.Api.GetAsync("patients/pat_00000000-0000-7000-8000-000000000000")).ExpectError(404, "NOT_FOUND");
        Assert.Contains("pat_00000000-0000-7000-8000-000000000000", result.Error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Wrong_method_is_405_METHOD_NOT_ALLOWED_with_an_Allow_header()
    {
        var t = await server.NewTenantAsync();
        var result = (await t.Api.SendAsync(HttpMethod.Put, "appointment-templates", new { name = "x" })).ExpectError(405, "METHOD_NOT_ALLOWED");
        Assert.Contains("GET", result.ContentHeaders.Allow);
        Assert.Contains("POST", result.ContentHeaders.Allow);
    }

    [Fact]
    public async Task Malformed_json_is_400_BAD_REQUEST_and_creates_nothing()
    {
        var t = await server.NewTenantAsync();
        var result = (await t.Api.PostAsync("patients", "{\"first_name\": \"Ann\",")).ExpectError(400, "BAD_REQUEST");
        Assert.Contains("not valid JSON", result.Error.GetProperty("message").GetString());
        Assert.Empty((await t.Api.GetAsync("patients")).Expect(200).Ids());
    }

    [Fact]
    public async Task A_body_that_is_not_an_object_is_400()
    {
        var t = await server.NewTenantAsync();
        (await t.Api.PostAsync("patients", "[1,2,3]")).ExpectError(400, "BAD_REQUEST");
    }

    [Fact]
    public async Task Non_json_content_type_is_415_UNSUPPORTED_MEDIA_TYPE()
    {
        var t = await server.NewTenantAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/patients")
        {
            Content = new StringContent("first_name=Ann", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        (await t.Api.SendAsync(request)).ExpectError(415, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task Body_over_one_mebibyte_is_413_PAYLOAD_TOO_LARGE()
    {
        var t = await server.NewTenantAsync();
        var huge = "{\"first_name\": \"" + new string('a', 1_100_000) + "\"}";
        // The server refuses on Content-Length without reading the body and closes the connection; a client
        // that sends "Expect: 100-continue" (as uploaders should) hears the 413 before sending the body,
        // instead of a broken pipe halfway through it.
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/patients") { Content = new StringContent(huge, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        (await t.Api.SendAsync(request)).ExpectError(413, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task Validation_error_is_422_listing_every_bad_field()
    {
        var t = await server.NewTenantAsync();
        var result = (await t.Api.PostAsync("patients", new { email = "not-an-email" })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["date_of_birth", "email", "first_name", "last_name"], result.ErrorFields.Order());
        foreach (var detail in result.Error.GetProperty("details").EnumerateArray())
        {
            Assert.False(string.IsNullOrWhiteSpace(detail.GetProperty("message").GetString()));
        }
    }

    [Fact]
    public async Task Missing_key_is_401_UNAUTHORISED_with_WWW_Authenticate()
    {
        var t = await server.NewTenantAsync();
        var result = (await t.Anonymous().GetAsync("patients")).ExpectError(401, "UNAUTHORISED");
        Assert.Equal("Bearer", result.Headers.WwwAuthenticate.ToString());
        Assert.Null(result.Header("X-RateLimit-Limit"));
    }

    [Theory]
    [InlineData("pk_test_notarealkeyatall")]
    [InlineData("pk_live_0000000000000000000000000000000000000000")]
    [InlineData("sk_test_0000000000000000000000000000000000000000")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task Unknown_or_malformed_key_is_401(string key)
    {
        var t = await server.NewTenantAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/patients");
        request.Headers.TryAddWithoutValidation("Authorization", key.StartsWith("Basic", StringComparison.Ordinal) ? key : "Bearer " + key);
        (await t.Anonymous().SendAsync(request)).ExpectError(401, "UNAUTHORISED");
    }

    [Fact]
    public async Task Revoked_key_is_401_at_once()
    {
        var t = await server.NewTenantAsync();
        (await t.Api.GetAsync("patients")).Expect(200);
        var accounts = server.Services.GetRequiredService<AccountStore>();
        var key = (await accounts.ListKeysAsync(t.OrgId)).Single();
        Assert.True(await accounts.RevokeKeyAsync(key.Id));
        var result = (await t.Api.GetAsync("patients")).ExpectError(401, "UNAUTHORISED");
        Assert.Contains("revoked", result.Error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Key_without_the_scope_is_403_FORBIDDEN_naming_the_scope()
    {
        var t = await server.NewTenantAsync([Scopes.ReadPatients]);
        var result = (await t.Api.PostAsync("patients", new { first_name = "A", last_name = "B", date_of_birth = "1990-01-01" }))
            .ExpectError(403, "FORBIDDEN");
        Assert.Contains("write_patients", result.Error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Key_use_is_recorded_without_the_secret_being_stored()
    {
        var t = await server.NewTenantAsync();
        (await t.Api.GetAsync("patients")).Expect(200);
        var accounts = server.Services.GetRequiredService<AccountStore>();
        ApiKey? key = null;
        for (var i = 0; i < 50 && key?.LastUsedAt is null; i++)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
            key = (await accounts.ListKeysAsync(t.OrgId)).Single();
        }
        Assert.NotNull(key!.LastUsedAt);
        Assert.DoesNotContain(t.Api.Key!, key.DisplayPrefix);
        Assert.Equal(t.Api.Key![..12] + "…", key.DisplayPrefix);
    }

    [Fact]
    public async Task Jump_base_path_answers_like_the_api_root()
    {
        var t = await server.NewTenantAsync();
        var id = await t.CreatePatientAsync("Alias", "Check");
        var viaJumpPath = (await t.Api.GetAsync($"/functions/v1/api-v1/patients/{id}")).Expect(200);
        Assert.Equal(id, viaJumpPath.Id);
    }

    [Fact]
    public async Task Unknown_query_parameter_is_400_naming_it()
    {
        var t = await server.NewTenantAsync();
        var result = (await t.Api.GetAsync("patients?statuss=active")).ExpectError(400, "BAD_REQUEST");
        Assert.Equal(["statuss"], result.ErrorFields);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("limit=abc")]
    [InlineData("offset=-1")]
    [InlineData("created_at_gte=yesterday")]
    [InlineData("status=dormant")]
    public async Task Bad_list_parameter_is_422(string query)
    {
        var t = await server.NewTenantAsync();
        var result = (await t.Api.GetAsync("patients?" + query)).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal([query.Split('=')[0]], result.ErrorFields);
    }

    [Fact]
    public async Task An_unexpected_failure_is_500_INTERNAL_ERROR_quoting_the_request_id_and_logged_with_it()
    {
        var t = await server.NewTenantAsync();
        // The server's data is unreachable; only API keys are still found, so the request gets as far as its handler.
        await using var broken = server.StartAnotherServer(services: s =>
        {
            s.AddSingleton<Database>(sp => new UnreachableDatabase(Database.Create(sp.GetRequiredService<StorageOptions>(), sp.GetRequiredService<ILoggerFactory>())));
            s.AddSingleton(sp => new AccountStore(((UnreachableDatabase)sp.GetRequiredService<Database>()).Inner, sp.GetRequiredService<TimeProvider>()));
        });
        using var http = broken.CreateHttpClient();
        const string patientId = "pat_01900000-0000-7000-8000-00000000d15c";
        var result = (await t.Api.Via(http).GetAsync($"patients/{patientId}")).ExpectError(500, "INTERNAL_ERROR");
        var requestId = result.Meta.GetProperty("request_id").GetString()!;
        Assert.Equal(requestId, result.Header("X-Request-Id"));
        Assert.Contains(requestId, result.Error.GetProperty("message").GetString());
        Assert.DoesNotContain("disk on fire", result.Raw);

        // The quoted id finds one error line, and that line alone says what failed where: method, route template
        // (not the path, which can carry an identifier) and exception.
        var line = Assert.Single(TestLogs.All, l => l.StartsWith("[Error]", StringComparison.Ordinal) && l.Contains(requestId, StringComparison.Ordinal));
        var first = line.Split(Environment.NewLine)[0];
        Assert.Contains("GET /api/v1/patients/{id}", first);
        Assert.Contains(typeof(InvalidOperationException).FullName!, first);
        Assert.DoesNotContain(patientId, line);
    }

    /// <summary>A database whose reads fail, standing in for a bug or an outage below the API.</summary>
    internal sealed class UnreachableDatabase(Database inner) : Database(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
    {
        public Database Inner => inner;
        public override Engine Engine => inner.Engine;
        internal override ValueTask<System.Data.Common.DbConnection> OpenAsync(CancellationToken ct = default) => throw new InvalidOperationException("disk on fire");
        protected override Task<T> TransactAsync<T>(Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task<T>> work, CancellationToken ct) => inner.WriteAsync(work, ct);
        protected override string? ContentionReason(Exception exception) => null;
        internal override Task<T> ExecuteScalarRelaxedAsync<T>(string sql, object param, CancellationToken ct = default) => inner.ExecuteScalarRelaxedAsync<T>(sql, param, ct);
        public override bool IsUniqueViolation(Exception exception) => inner.IsUniqueViolation(exception);
        public override bool IsOverlapViolation(Exception exception) => inner.IsOverlapViolation(exception);
        protected override Task ApplyMigrationsAsync(CancellationToken ct) => inner.MigrateAsync(ct);
        public override ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    [Fact]
    public async Task Health_endpoint_reports_the_engine()
    {
        var t = await server.NewTenantAsync();
        var result = (await t.Anonymous().GetAsync("/healthz")).Expect(200);
        Assert.Equal("ok", result.Data.GetProperty("status").GetString());
        Assert.Equal(server.Engine.ToString().ToLowerInvariant(), result.Data.GetProperty("engine").GetString());
    }

    [Fact]
    public async Task The_benchmark_limit_endpoints_take_no_key_so_a_server_without_their_setting_does_not_map_them()
    {
        var t = await server.NewTenantAsync();
        foreach (var (method, path) in new[] { ("POST", "/_bench/insert"), ("GET", "/_bench/read"), ("GET", "/_bench/availability"), ("PUT", "/_bench/availability"), ("GET", "/_bench/stats") })
        {
            var result = await t.Anonymous().SendAsync(new HttpMethod(method), path);
            Assert.True(result.StatusCode == 404, $"{method} {path}: {result.StatusCode} {result.Raw}");
        }
    }

    [Fact]
    public async Task OpenApi_document_and_docs_page_are_served_locally()
    {
        var t = await server.NewTenantAsync();
        var openApi = await t.Anonymous().GetAsync("/openapi/v1.json");
        openApi.Expect(200);
        Assert.Contains("/api/v1/patients", openApi.Raw);
        Assert.Contains("/api/v1/appointments/{id}/cancel", openApi.Raw);
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        var docs = await http.GetAsync("/docs", TestContext.Current.CancellationToken);
        Assert.True(docs.IsSuccessStatusCode);
        var html = await docs.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain("fonts.googleapis", html);
        Assert.DoesNotContain("cdn.jsdelivr", html);
    }

    [Fact]
    public async Task OpenApi_asks_for_the_key_on_keyed_operations_only_and_never_on_the_patients_own_endpoints()
    {
        var t = await server.NewTenantAsync();
        var document = (await t.Anonymous().GetAsync("/openapi/v1.json")).Expect(200).Body;
        Assert.False(document.TryGetProperty("security", out _), "no document-wide requirement: each operation says its own");
        var keyless = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Value.TryGetProperty("responses", out _)))
            {
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                Assert.True(operation.Value.TryGetProperty("security", out var security), $"{name} declares no security");
                if (security.GetArrayLength() == 0)
                {
                    keyless.Add(name);
                    continue;
                }
                var requirement = Assert.Single(security.EnumerateArray());
                Assert.Equal("bearer", Assert.Single(requirement.EnumerateObject()).Name);
                Assert.Contains("Scope: `", operation.Value.GetProperty("description").GetString());
            }
        }
        Assert.Equal(
        [
            "DELETE /api/v1/public/{slug}/holds/{id}",
            "GET /api/v1/manage/{token}", "GET /api/v1/manage/{token}/availability",
            "GET /api/v1/public/{slug}", "GET /api/v1/public/{slug}/availability", "GET /api/v1/waitlist-offers/{token}",
            "POST /api/v1/manage/{token}/cancel", "POST /api/v1/manage/{token}/reschedule",
            "POST /api/v1/public/{slug}/booking-requests", "POST /api/v1/public/{slug}/booking-requests/{id}/confirm", "POST /api/v1/public/{slug}/holds",
            "POST /api/v1/waitlist-offers/{token}/claim",
        ], keyless.Order(StringComparer.Ordinal));
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
    }
}

public sealed class PipelineTestsOnSqlite(SqliteServer server) : PipelineTests(server);
public sealed class PipelineTestsOnPostgres(PostgresServer server) : PipelineTests(server);
