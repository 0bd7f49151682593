using Leap.Server.Accounts;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Api;

public abstract class PatientsTests(LeapFixture server)
{
    private static object FullPatient() => new
    {
        first_name = "Sarah",
        last_name = "Johnson",
        middle_name = "Jane",
        preferred_name = "Sally",
        title = "Ms",
        date_of_birth = "1985-03-15",
        biological_sex = "female",
        gender = "woman",
        nhs_number = "943 476 5919",
        email = "sarah.johnson@example.com",
        phone = "+44 7700 900123",
        mobile_phone = "07700 900456",
        address_line_1 = "123 High Street",
        address_line_2 = "Flat 4",
        town_city = "London",
        postcode = "sw1a 1aa",
        preferred_contact_method = "email",
        occupation = "Teacher",
        consent_marketing = false,
    };

    [Fact]
    public async Task Create_returns_201_with_every_field_and_server_defaults()
    {
        var t = await server.NewTenantAsync();
        var created = (await t.Api.PostAsync("patients", FullPatient())).Expect(201);
        var p = created.Data;
        Assert.StartsWith("pat_", p.GetProperty("id").GetString());
        Assert.Equal("Sarah", p.GetProperty("first_name").GetString());
        Assert.Equal("1985-03-15", p.GetProperty("date_of_birth").GetString());
        Assert.Equal("9434765919", p.GetProperty("nhs_number").GetString());
        Assert.Equal("SW1A 1AA", p.GetProperty("postcode").GetString());
        Assert.Equal("123 High Street", p.GetProperty("address_line_1").GetString());
        Assert.Equal("United Kingdom", p.GetProperty("country").GetString());
        Assert.Equal("active", p.GetProperty("status").GetString());
        Assert.True(p.GetProperty("consent_sms").GetBoolean());
        Assert.False(p.GetProperty("consent_marketing").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, p.GetProperty("archived_at").ValueKind);
        Assert.EndsWith("Z", p.GetProperty("created_at").GetString());

        var fetched = (await t.Api.GetAsync($"patients/{created.Id}")).Expect(200);
        Assert.Equal(created.Data.ToString(), fetched.Data.ToString());
    }

    [Theory]
    [InlineData("first_name")]
    [InlineData("last_name")]
    [InlineData("date_of_birth")]
    public async Task Each_required_field_is_enforced(string missing)
    {
        var t = await server.NewTenantAsync();
        var body = new Dictionary<string, object> { ["first_name"] = "A", ["last_name"] = "B", ["date_of_birth"] = "1990-01-01" };
        body.Remove(missing);
        var result = (await t.Api.PostAsync("patients", body)).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal([missing], result.ErrorFields);
    }

    [Theory]
    [InlineData("nhs_number", "9434765918")]
    [InlineData("nhs_number", "12345")]
    [InlineData("email", "sarah@")]
    [InlineData("email", "two@@example.com")]
    [InlineData("phone", "call me")]
    [InlineData("phone", "12")]
    [InlineData("date_of_birth", "1985-02-30")]
    [InlineData("date_of_birth", "15/03/1985")]
    [InlineData("date_of_birth", "2999-01-01")]
    [InlineData("biological_sex", "sometimes")]
    [InlineData("first_name", "")]
    [InlineData("first_name", "Bad\u0000Name")]
    public async Task Invalid_values_are_422_naming_the_field(string field, string value)
    {
        var t = await server.NewTenantAsync();
        var body = new Dictionary<string, object> { ["first_name"] = "A", ["last_name"] = "B", ["date_of_birth"] = "1990-01-01", [field] = value };
        var result = (await t.Api.PostAsync("patients", body)).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal([field], result.ErrorFields);
        Assert.Empty((await t.Api.GetAsync("patients")).Ids());
    }

    [Fact]
    public async Task Wrong_json_types_are_422_not_500()
    {
        var t = await server.NewTenantAsync();
        var result = (await t.Api.PostAsync("patients", new { first_name = 12, last_name = true, date_of_birth = new[] { 1 }, consent_sms = "yes" }))
            .ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["consent_sms", "date_of_birth", "first_name", "last_name"], result.ErrorFields.Order());
    }

    [Fact]
    public async Task Patch_changes_only_the_fields_sent_and_null_clears_an_optional_field()
    {
        var t = await server.NewTenantAsync();
        var id = (await t.Api.PostAsync("patients", FullPatient())).Expect(201).Id;
        var before = (await t.Api.GetAsync($"patients/{id}")).Data;
        var patched = (await t.Api.PatchAsync($"patients/{id}", new { email = "new@example.com", middle_name = (string?)null })).Expect(200).Data;
        Assert.Equal("new@example.com", patched.GetProperty("email").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, patched.GetProperty("middle_name").ValueKind);
        Assert.Equal("Sarah", patched.GetProperty("first_name").GetString());
        Assert.Equal(before.GetProperty("created_at").GetString(), patched.GetProperty("created_at").GetString());
        Assert.Equal("new@example.com", (await t.Api.GetAsync($"patients/{id}")).Data.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Patch_cannot_clear_a_required_field()
    {
        var t = await server.NewTenantAsync();
        var id = await t.CreatePatientAsync();
        (await t.Api.PatchAsync($"patients/{id}", new { last_name = (string?)null })).ExpectError(422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Archive_needs_a_reason_records_who_and_when_and_can_be_undone()
    {
        var t = await server.NewTenantAsync();
        var id = await t.CreatePatientAsync();
        var noReason = (await t.Api.PatchAsync($"patients/{id}", new { archived = true })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["archive_reason"], noReason.ErrorFields);

        var archived = (await t.Api.PatchAsync($"patients/{id}", new { archived = true, archive_reason = "Moved away" })).Expect(200).Data;
        Assert.Equal("archived", archived.GetProperty("status").GetString());
        Assert.Equal("Moved away", archived.GetProperty("archive_reason").GetString());
        Assert.StartsWith("key_", archived.GetProperty("archived_by").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, archived.GetProperty("archived_at").ValueKind);
        Assert.Equal([id], (await t.Api.GetAsync("patients?status=archived")).Ids());

        var restored = (await t.Api.PatchAsync($"patients/{id}", new { archived = false })).Expect(200).Data;
        Assert.Equal("active", restored.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, restored.GetProperty("archived_at").ValueKind);
    }

    [Fact]
    public async Task Delete_is_405_pointing_to_archive()
    {
        var t = await server.NewTenantAsync();
        var id = await t.CreatePatientAsync();
        var result = (await t.Api.DeleteAsync($"patients/{id}")).ExpectError(405, "METHOD_NOT_ALLOWED");
        Assert.Contains("archived", result.Error.GetProperty("message").GetString());
        (await t.Api.GetAsync($"patients/{id}")).Expect(200);
    }

    [Theory]
    [InlineData("sarah")]
    [InlineData("JOHNSON")]
    [InlineData("Sarah Johnson")]
    [InlineData("johnson sarah")]
    [InlineData("sally")]
    [InlineData("sarah.johnson@example")]
    [InlineData("07700 900123")]
    [InlineData("+447700900456")]
    [InlineData("900123")]
    [InlineData("943 476 5919")]
    [InlineData("1985-03-15")]
    [InlineData("15/03/1985")]
    [InlineData("Jo")]
    public async Task Search_finds_a_patient_by_name_contact_nhs_number_or_birth_date(string query)
    {
        var t = await server.NewTenantAsync();
        var id = (await t.Api.PostAsync("patients", FullPatient())).Expect(201).Id;
        await t.CreatePatientAsync("Other", "Person", "1970-01-01");
        var found = (await t.Api.GetAsync($"patients?search={Uri.EscapeDataString(query)}&limit=5")).Expect(200);
        Assert.Equal([id], found.Ids());
    }

    [Theory]
    [InlineData("sarah smith")]
    [InlineData("nobody")]
    [InlineData("%")]
    [InlineData("1999-01-01")]
    public async Task Search_without_a_match_returns_an_empty_page(string query)
    {
        var t = await server.NewTenantAsync();
        await t.Api.PostAsync("patients", FullPatient());
        var found = (await t.Api.GetAsync($"patients?search={Uri.EscapeDataString(query)}")).Expect(200);
        Assert.Empty(found.Ids());
        Assert.False(found.Meta.GetProperty("has_more").GetBoolean());
    }

    [Theory]
    [InlineData("\"sarah")]
    [InlineData("sarah OR 1=1")]
    [InlineData("NEAR(sarah johnson)")]
    [InlineData("sar* ^john")]
    [InlineData("first_name:sarah")]
    [InlineData("'); DROP TABLE patients; --")]
    public async Task Search_syntax_of_the_index_is_plain_text(string query)
    {
        var t = await server.NewTenantAsync();
        await t.Api.PostAsync("patients", FullPatient());
        var found = (await t.Api.GetAsync($"patients?search={Uri.EscapeDataString(query)}")).Expect(200);
        Assert.Empty(found.Ids());
        Assert.Single((await t.Api.GetAsync("patients?search=sarah")).Expect(200).Ids());
    }

    [Fact]
    public async Task Control_characters_in_a_query_parameter_are_422()
    {
        var t = await server.NewTenantAsync();
        var result = (await t.Api.GetAsync("patients?search=%00sarah")).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["search"], result.ErrorFields);
    }

    [Fact]
    public async Task Pagination_walks_every_record_once_without_totals()
    {
        var t = await server.NewTenantAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await t.CreatePatientAsync($"Page{i}"));
        }
        var seen = new List<string>();
        var offset = 0;
        while (true)
        {
            var page = (await t.Api.GetAsync($"patients?limit=2&offset={offset}")).Expect(200);
            Assert.Equal(2, page.Meta.GetProperty("limit").GetInt32());
            Assert.False(page.Meta.TryGetProperty("total", out _));
            seen.AddRange(page.Ids());
            if (!page.Meta.GetProperty("has_more").GetBoolean())
            {
                Assert.Equal(System.Text.Json.JsonValueKind.Null, page.Meta.GetProperty("next_offset").ValueKind);
                break;
            }
            offset = page.Meta.GetProperty("next_offset").GetInt32();
        }
        Assert.Equal(ids, seen);

        var beyond = (await t.Api.GetAsync("patients?offset=50")).Expect(200);
        Assert.Empty(beyond.Ids());
        Assert.False(beyond.Meta.GetProperty("has_more").GetBoolean());
        var exact = (await t.Api.GetAsync("patients?limit=5")).Expect(200);
        Assert.Equal(5, exact.Ids().Count);
        Assert.False(exact.Meta.GetProperty("has_more").GetBoolean());
        Assert.Equal(20, (await t.Api.GetAsync("patients")).Meta.GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task Created_at_filters_bound_the_list()
    {
        var t = await server.NewTenantAsync();
        var id = await t.CreatePatientAsync();
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        Assert.Equal([id], (await t.Api.GetAsync($"patients?created_at_gte={today}&created_at_lte={today}")).Expect(200).Ids());
        Assert.Empty((await t.Api.GetAsync("patients?created_at_lte=2020-01-01")).Expect(200).Ids());
        Assert.Empty((await t.Api.GetAsync($"patients?updated_at_gte={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"))}")).Expect(200).Ids());
    }

    [Fact]
    public async Task Another_organisations_patient_is_404_and_never_listed()
    {
        var mine = await server.NewTenantAsync();
        var theirs = await server.NewTenantAsync();
        var id = await theirs.CreatePatientAsync("Hidden", "Person");
        (await mine.Api.GetAsync($"patients/{id}")).ExpectError(404, "NOT_FOUND");
        (await mine.Api.PatchAsync($"patients/{id}", new { first_name = "Stolen" })).ExpectError(404, "NOT_FOUND");
        Assert.Empty((await mine.Api.GetAsync("patients?search=hidden")).Ids());
        Assert.Equal("Hidden", (await theirs.Api.GetAsync($"patients/{id}")).Data.GetProperty("first_name").GetString());
    }

    [Fact]
    public async Task Live_and_test_data_of_one_organisation_are_separate()
    {
        var test = await server.NewTenantAsync();
        var live = await test.KeyAsync(Scopes.All, Modes.Live);
        var id = await test.CreatePatientAsync("Sandbox", "Only");
        (await live.GetAsync($"patients/{id}")).ExpectError(404, "NOT_FOUND");
        Assert.Empty((await live.GetAsync("patients")).Ids());
        Assert.Equal([id], (await test.Api.GetAsync("patients")).Ids());
    }
}

public sealed class PatientsTestsOnSqlite(SqliteServer server) : PatientsTests(server);
public sealed class PatientsTestsOnPostgres(PostgresServer server) : PatientsTests(server);
