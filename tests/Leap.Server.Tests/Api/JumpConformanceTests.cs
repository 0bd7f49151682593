using System.Text.Json;
using System.Text.RegularExpressions;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Api;

/// <summary>
/// Leap against the Jump reference (issue 17): docs/jump-compatibility.md lists every reference route with whether
/// Leap serves it, and every route Leap has; these tests hold both lists to the server's route table, then walk the
/// served routes and the reference's examples for status, envelope and field names.
/// </summary>
public abstract partial class JumpConformanceTests(LeapFixture server)
{
    private static readonly string Compatibility = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "jump-compatibility.md"));

    /// <summary>"GET /patients/{}": the method and the path below the API root, every route parameter written {}.</summary>
    private static string Route(string method, string path) =>
        $"{method} {RouteParameter().Replace(path.TrimEnd('/'), "{}")}";

    private HashSet<string> Served() =>
        ApiEndpoint.All(server.Services).Select(e => Route(e.Method, e.Pattern["/api/v1".Length..])).ToHashSet();

    /// <summary>The rows of the markdown table under <paramref name="heading"/>, as cells.</summary>
    private static List<string[]> Table(string heading)
    {
        var section = Compatibility[(Compatibility.IndexOf("## " + heading, StringComparison.Ordinal) + heading.Length + 3)..];
        var end = section.IndexOf("\n## ", StringComparison.Ordinal);
        return (end < 0 ? section : section[..end]).Split('\n')
            .Where(line => line.StartsWith('|') && !line.StartsWith("|---", StringComparison.Ordinal))
            .Skip(1)
            .Select(line => line.Trim('|').Split('|').Select(cell => cell.Trim().Trim('`')).ToArray())
            .ToList();
    }

    [Fact]
    public void The_route_table_in_the_docs_is_the_servers_and_the_readme_names_every_resource()
    {
        var documented = Table("Every Leap route").Select(row => Route(row[0], row[1])).ToList();
        var served = Served();
        Assert.Equal(documented.Count, documented.Distinct().Count());
        var undocumented = served.Except(documented).Order(StringComparer.Ordinal).ToList();
        var notServed = documented.Except(served).Order(StringComparer.Ordinal).ToList();
        Assert.True(undocumented.Count == 0 && notServed.Count == 0,
            $"served but not in docs/jump-compatibility.md: {string.Join("; ", undocumented)}\ndocumented but not served: {string.Join("; ", notServed)}");

        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));
        var resources = served.Select(route => route.Split(' ')[1].Split('/')[1]).Distinct();
        Assert.All(resources, resource => Assert.Contains($"/{resource}", readme, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_reference_route_is_served_or_has_its_reason()
    {
        var reference = Table("Reference routes");
        Assert.Equal(90, reference.Count);
        Assert.Equal(70, reference.Count(row => row[1].Contains('2', StringComparison.Ordinal)));
        var served = Served();
        foreach (var row in reference)
        {
            var route = Route(row[2], row[3]);
            if (row[4] == "served")
            {
                Assert.True(served.Contains(route), $"{route} is marked served but the server has no such route");
            }
            else
            {
                // Rows not served say why; a route that has since been built must be marked served.
                Assert.StartsWith("not yet: ", row[4], StringComparison.Ordinal);
                Assert.False(served.Contains(route), $"{route} is served now: mark it served in docs/jump-compatibility.md");
            }
        }
        var count = reference.Count(row => row[4] == "served");
        Assert.Contains($"| **total** | **90** | **{count}** | **{90 - count}** |", Compatibility, StringComparison.Ordinal);
    }

    private sealed record Seeded(TestTenant T, Dictionary<string, string> Ids);

    private async Task<Seeded> SeedAsync()
    {
        var t = await server.NewTenantAsync();
        var location = await t.CreateLocationAsync();
        var clinician = await t.CreateClinicianAsync(locationIds: location);
        var template = await t.CreateTemplateAsync();
        var patient = await t.CreatePatientAsync();
        var appointment = (await t.Api.PostAsync("appointments", new
        {
            title = "Consultation", patient_id = patient, appointment_type_id = template, clinician_profile_id = clinician,
            location_id = location, start_time = "2030-01-07T09:00:00Z", end_time = "2030-01-07T09:30:00Z",
        })).Expect(201).Id;
        var episode = (await t.Api.PostAsync("episodes", new { patient_id = patient, title = "Follow-up", source_type = "manual", journey_type = "general" })).Expect(201).Id;
        return new Seeded(t, new()
        {
            ["patients"] = patient, ["appointments"] = appointment, ["appointment-templates"] = template, ["appointment-types"] = template,
            ["clinician-profiles"] = clinician, ["clinicians"] = clinician, ["locations"] = location, ["episodes"] = episode,
        });
    }

    private static void AssertEnvelope(ApiResult result, bool list, bool dataMayBeNull = false)
    {
        var meta = result.Meta.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
        Assert.Equal(list ? ["has_more", "limit", "next_offset", "request_id"] : ["request_id"], meta);
        Assert.Equal(result.Meta.GetProperty("request_id").GetString(), result.Header("X-Request-Id"));
        if (!(dataMayBeNull && result.Data.ValueKind == JsonValueKind.Null))
        {
            Assert.Equal(list ? JsonValueKind.Array : JsonValueKind.Object, result.Data.ValueKind);
        }
        Assert.False(result.Body.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task Every_served_reference_read_answers_in_the_current_envelope()
    {
        var s = await SeedAsync();
        var template = s.Ids["appointment-templates"];
        foreach (var row in Table("Reference routes").Where(row => row[4] == "served" && row[2] == "GET"))
        {
            var path = row[3].TrimStart('/');
            var resource = path.Split('/')[0];
            if (resource == "availability")
            {
                var query = path == "availability" ? "&date_from=2030-01-07&date_to=2030-01-08" : "";
                AssertEnvelope((await s.T.Api.GetAsync($"{path}?appointment_template_id={template}{query}")).Expect(200), list: false, dataMayBeNull: true);
            }
            else if (!path.Contains('{', StringComparison.Ordinal))
            {
                AssertEnvelope((await s.T.Api.GetAsync(path)).Expect(200), list: true);
            }
            else if (s.Ids.TryGetValue(resource, out var id))
            {
                var one = (await s.T.Api.GetAsync(path.Replace("{id}", id, StringComparison.Ordinal))).Expect(200);
                // A collection under a record (its events, a patient's observations) is a list; the record itself is not.
                AssertEnvelope(one, list: !path.EndsWith('}'));
            }
            else
            {
                // Nothing of this kind was seeded: the reference's 404 in the error envelope.
                var missing = (await s.T.Api.GetAsync(path.Replace("{id}", "00000000-0000-7000-8000-000000000000", StringComparison.Ordinal)))
                    .ExpectError(404, "NOT_FOUND");
                Assert.Equal(JsonValueKind.Null, missing.Data.ValueKind);
                Assert.Equal(["code", "message"], missing.Error.EnumerateObject().Select(p => p.Name).Where(n => n != "details").Order(StringComparer.Ordinal));
            }
        }
    }

    /// <summary>The reference's objects (sections 2-6): every field it shows is in Leap's answer under the same name.</summary>
    [Fact]
    public async Task Objects_carry_every_field_name_the_reference_shows()
    {
        var s = await SeedAsync();
        async Task AssertFields(string path, string fields)
        {
            var data = (await s.T.Api.GetAsync(path)).Expect(200).Data;
            var item = data.ValueKind == JsonValueKind.Array ? data[0] : data;
            var missing = fields.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(f => !item.TryGetProperty(f, out _)).ToList();
            Assert.True(missing.Count == 0, $"{path} lacks {string.Join(", ", missing)}");
        }
        await AssertFields($"patients/{s.Ids["patients"]}",
            "id first_name last_name middle_name preferred_name title date_of_birth biological_sex gender ethnicity nhs_number email phone mobile_phone " +
            "home_phone address_line_1 address_line_2 address_line_3 town_city postcode country preferred_contact_method status patient_type is_deceased " +
            "date_of_death requires_review review_reason accessibility_needs accessibility_notes occupation patient_notes consent_sms consent_email " +
            "consent_marketing consent_electronic_communication archived_at archived_by archive_reason archive_notes created_at updated_at");
        await AssertFields($"appointments/{s.Ids["appointments"]}",
            "id patient_id clinician_profile_id title description start_time end_time status appointment_type_id location_id is_remote remote_channel " +
            "video_link video_provider duration_minutes attendee_email attendee_name meeting_url attendance_status cancellation_reason booking_source " +
            "episode_id created_at updated_at attendee_phone notes");
        await AssertFields($"appointment-templates/{s.Ids["appointment-templates"]}",
            "id name description duration price pricing_type is_active status version allow_online_booking buffer_before_minutes buffer_after_minutes created_at updated_at");
        await AssertFields($"appointment-types/{s.Ids["appointment-types"]}",
            "id name description duration_minutes price currency color is_active requires_payment allow_online_booking booking_notice_hours " +
            "cancellation_notice_hours max_group_size created_at updated_at");
        await AssertFields($"clinician-profiles/{s.Ids["clinician-profiles"]}",
            "id name display_name first_name last_name title role email bio photo_url qualifications registration_number professional_registration_body " +
            "is_active is_bookable_online created_at updated_at");
        await AssertFields($"clinicians/{s.Ids["clinicians"]}",
            "id user_id first_name last_name title role specialties bio email phone avatar_url is_active created_at updated_at");
        await AssertFields($"locations/{s.Ids["locations"]}",
            "id name address_line_1 address_line_2 address_line_3 town_city postcode country phone email lat lng timezone opening_hours is_primary is_active created_at updated_at");
        await AssertFields($"episodes/{s.Ids["episodes"]}",
            "id patient_id title description status responsibility assigned_to priority journey_type source_type source_id problem_ids tags due_date " +
            "closed_at programme_id inbox_visibility created_at updated_at");
    }

    /// <summary>The query strings the reference's guides and observed clients send.</summary>
    [Theory]
    [InlineData("appointment-templates?is_active=true")]
    [InlineData("patients?search=Test&limit=5")]
    [InlineData("appointments?date_gte=2030-01-01T00:00:00Z&date_lte=2030-12-31T00:00:00Z&status_in=confirmed,scheduled,pending,pending_approval&limit=100")]
    [InlineData("appointments?created_at_gte=2026-01-01&created_at_lte=2099-03-25")]
    [InlineData("episodes?status_in=open,pending_patient,awaiting_review&priority_in=low,medium,high,urgent&journey_type=general&limit=20")]
    [InlineData("clinician-profiles?is_active=true&is_bookable_online=true&search=Test")]
    [InlineData("locations?is_active=true&search=Surgery")]
    [InlineData("appointment-types?limit=100&offset=0")]
    [InlineData("clinicians?limit=100&offset=0")]
    public async Task The_references_example_queries_are_accepted(string query)
    {
        var s = await SeedAsync();
        var result = (await s.T.Api.GetAsync(query)).Expect(200);
        AssertEnvelope(result, list: true);
        Assert.NotEmpty(result.Ids());
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex RouteParameter();
}

public sealed class JumpConformanceTestsOnSqlite(SqliteServer server) : JumpConformanceTests(server);
public sealed class JumpConformanceTestsOnPostgres(PostgresServer server) : JumpConformanceTests(server);
