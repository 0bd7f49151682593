using System.Text.Json;
using System.Text.Json.Nodes;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Api;

/// <summary>Jump's first-generation <c>custom_fields</c> on patients: kept, returned on every answer, merged on update, validated.</summary>
public abstract class PatientCustomFieldsTests(LeapFixture server)
{
    private static Dictionary<string, string> Fields(JsonElement patient) =>
        patient.GetProperty("custom_fields").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText());

    private static Task<string?> StoredAsync(TestTenant t, string id) =>
        t.Db.SingleAsync<string>($"SELECT custom_fields FROM patients WHERE id = @id AND {TenantSql.Filter}", new { id });

    [Fact]
    public async Task Custom_fields_are_kept_and_returned_by_create_get_list_and_sync()
    {
        var t = await server.NewTenantAsync();
        var created = (await t.Api.PostAsync("patients", new
        {
            first_name = "Sarah", last_name = "Custom", date_of_birth = "1985-03-15",
            custom_fields = new Dictionary<string, object> { ["preferred_contact"] = "email", ["marketing_consent"] = true, ["visits"] = 3, ["ratio"] = JsonNode.Parse("1.50")! },
        })).Expect(201);
        var expected = new Dictionary<string, string>
        {
            ["marketing_consent"] = "true", ["preferred_contact"] = "\"email\"", ["ratio"] = "1.50", ["visits"] = "3",
        };
        Assert.Equal(expected, Fields(created.Data));
        Assert.Equal(expected, Fields((await t.Api.GetAsync($"patients/{created.Id}")).Expect(200).Data));
        Assert.Equal(expected, Fields((await t.Api.GetAsync("patients?search=custom")).Expect(200).Data.EnumerateArray().Single()));
        Assert.Equal("""{"marketing_consent":true,"preferred_contact":"email","ratio":1.50,"visits":3}""", await StoredAsync(t, created.Id));

        var plain = (await t.Api.PostAsync("patients", new { first_name = "Plain", last_name = "Patient", date_of_birth = "1990-01-01" })).Expect(201);
        Assert.Equal(JsonValueKind.Object, plain.Data.GetProperty("custom_fields").ValueKind);
        Assert.Empty(Fields(plain.Data));

        var synced = (await t.Api.SendAsync(HttpMethod.Put, "patients/external/MRN-5", new
        {
            first_name = "Sync", last_name = "Patient", date_of_birth = "1970-01-01", custom_fields = new { ward = "B", café = "crème" },
        })).Expect(201);
        Assert.Equal(new Dictionary<string, string> { ["café"] = "\"crème\"", ["ward"] = "\"B\"" }, Fields(synced.Data));
    }

    [Fact]
    public async Task An_update_merges_custom_fields_null_removes_a_key_and_null_clears_them_all()
    {
        var t = await server.NewTenantAsync();
        var id = await t.CreatePatientAsync("Merge", "Fields", extra: new { custom_fields = new { team = "red", visits = 1, vip = false } });

        var merged = (await t.Api.PatchAsync($"patients/{id}", new { custom_fields = new Dictionary<string, object?> { ["visits"] = 2, ["vip"] = null, ["ward"] = "B" } }))
            .Expect(200);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "\"red\"", ["visits"] = "2", ["ward"] = "\"B\"" }, Fields(merged.Data));

        // A PATCH that leaves custom_fields out keeps them; one that sends what is stored changes nothing.
        var other = (await t.Api.PatchAsync($"patients/{id}", new { occupation = "Teacher" })).Expect(200);
        Assert.Equal(Fields(merged.Data), Fields(other.Data));
        var same = (await t.Api.PatchAsync($"patients/{id}", new { custom_fields = new { ward = "B", team = "red" } })).Expect(200);
        Assert.Equal(other.Data.GetProperty("updated_at").GetString(), same.Data.GetProperty("updated_at").GetString());

        var cleared = (await t.Api.PatchAsync($"patients/{id}", new { custom_fields = (object?)null })).Expect(200);
        Assert.Empty(Fields(cleared.Data));
        Assert.Equal("{}", await StoredAsync(t, id));
    }

    [Fact]
    public async Task Custom_fields_are_validated_and_every_problem_is_reported_at_once()
    {
        var t = await server.NewTenantAsync();
        var bad = (await t.Api.PostAsync("patients", new
        {
            first_name = "Bad", date_of_birth = "1985-03-15",
            custom_fields = new Dictionary<string, object>
            {
                ["address"] = new { line = "1 High Street" }, ["tags"] = new[] { "a" }, [new string('k', 41)] = "x", ["note"] = new string('v', 501),
            },
        })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["custom_fields.address", $"custom_fields.{new string('k', 41)}", "custom_fields.note", "custom_fields.tags", "last_name"],
            bad.ErrorFields.Order(StringComparer.Ordinal));
        var notObject = (await t.Api.PostAsync("patients", new { first_name = "A", last_name = "B", date_of_birth = "1985-03-15", custom_fields = "email" }))
            .ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["custom_fields"], notObject.ErrorFields);
        Assert.Empty((await t.Api.GetAsync("patients")).Ids());

        var fifty = Enumerable.Range(1, 50).ToDictionary(i => $"field_{i}", i => (object)i);
        var id = await t.CreatePatientAsync("Many", "Fields", extra: new { custom_fields = fifty });
        var tooMany = (await t.Api.PatchAsync($"patients/{id}", new { custom_fields = new { field_51 = 51 } })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["custom_fields"], tooMany.ErrorFields);
        Assert.Contains("50", tooMany.Raw);
        Assert.Equal(50, Fields((await t.Api.GetAsync($"patients/{id}")).Data).Count);
        // Removing one makes room for another in the same request.
        var swapped = (await t.Api.PatchAsync($"patients/{id}", new { custom_fields = new Dictionary<string, object?> { ["field_1"] = null, ["field_51"] = 51 } }))
            .Expect(200);
        Assert.Equal(50, Fields(swapped.Data).Count);
        Assert.Equal("51", Fields(swapped.Data)["field_51"]);
    }
}

public sealed class PatientCustomFieldsTestsOnSqlite(SqliteServer server) : PatientCustomFieldsTests(server);
public sealed class PatientCustomFieldsTestsOnPostgres(PostgresServer server) : PatientCustomFieldsTests(server);
