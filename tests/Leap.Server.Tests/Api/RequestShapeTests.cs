using System.Text.Json;
using System.Text.RegularExpressions;
using Leap.Server.Http;
using Leap.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.Api;

/// <summary>
/// Request shapes are declared once: the code that reads and validates a body is what the API document describes
/// (a describing <see cref="BodyReader"/> records what it reads), every documented example is a request the server
/// accepts, and every create and action goes through the one idempotent pipeline.
/// </summary>
public abstract partial class RequestShapeTests(LeapFixture server)
{
    /// <summary>Writes that take no fields: an empty body is all they read.</summary>
    private static readonly HashSet<string> BodilessWrites =
    [
        "POST /api/v1/appointments/{id}/complete", "POST /api/v1/appointments/{id}/no-show", "POST /api/v1/webhooks/{id}/test",
        "POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver", "POST /api/v1/waitlist-entries/{id}/claim",
    ];

    /// <summary>POSTs that change nothing: a check of one slot (a query with a body).</summary>
    private static readonly HashSet<string> ReadOnlyPosts = ["POST /api/v1/availability/verify"];

    private static IEnumerable<(string Name, Endpoint Endpoint)> Writes(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith(ApiPaths.Root, StringComparison.Ordinal) && e.Metadata.GetMetadata<RequiredScope>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => ($"{m} {e.RoutePattern.RawText}", (Endpoint)e)))
            .Where(e => e.Item1.Split(' ')[0] is "POST" or "PATCH" or "PUT");

    [Fact]
    public void Every_write_that_takes_a_body_declares_its_shape_and_every_change_by_POST_is_idempotent()
    {
        Assert.SkipWhen(server.Unavailable is not null, server.Unavailable ?? "");
        var writes = Writes(server.Services).ToList();
        Assert.NotEmpty(writes);
        Assert.All(writes.Where(w => !BodilessWrites.Contains(w.Name)), w => Assert.True(w.Endpoint.Metadata.GetMetadata<RequestShape>() is not null, $"{w.Name} declares no request shape"));
        Assert.All(writes.Where(w => w.Name.StartsWith("POST", StringComparison.Ordinal) && !ReadOnlyPosts.Contains(w.Name)),
            w => Assert.True(w.Endpoint.Metadata.GetMetadata<IdempotentEndpoint>() is not null, $"{w.Name} does not go through the idempotent pipeline"));
    }

    [Fact]
    public async Task The_document_describes_each_body_from_the_code_that_reads_it()
    {
        var t = await server.NewTenantAsync();
        var document = (await t.Anonymous().GetAsync("/openapi/v1.json")).Expect(200).Body;
        JsonElement Body(string path, string method) =>
            document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("requestBody").GetProperty("content").GetProperty("application/json");

        var create = Body("/api/v1/patients", "post").GetProperty("schema");
        Assert.Equal(["date_of_birth", "first_name", "last_name"], create.GetProperty("required").EnumerateArray().Select(r => r.GetString()).Order());
        var properties = create.GetProperty("properties");
        Assert.Equal(100, properties.GetProperty("first_name").GetProperty("maxLength").GetInt32());
        Assert.Equal("date", properties.GetProperty("date_of_birth").GetProperty("format").GetString());
        Assert.Equal(["email", "none", "phone", "post", "sms"], properties.GetProperty("preferred_contact_method").GetProperty("enum").EnumerateArray().Select(v => v.GetString()).Order());
        Assert.True(properties.TryGetProperty("force", out _), "force (read beside the patient's fields) is documented");
        // Optional and nullable, optional but never null (a flag sent as null is refused), required.
        Assert.Equal(["null", "string"], properties.GetProperty("middle_name").GetProperty("type").EnumerateArray().Select(v => v.GetString()).Order());
        Assert.Equal("\"boolean\"", properties.GetProperty("consent_sms").GetProperty("type").GetRawText());

        var update = Body("/api/v1/patients/{id}", "patch").GetProperty("schema");
        Assert.False(update.TryGetProperty("required", out var required) && required.GetArrayLength() > 0, "a PATCH requires nothing");
        Assert.Equal("\"string\"", update.GetProperty("properties").GetProperty("first_name").GetProperty("type").GetRawText());

        var confirm = Body("/api/v1/holds/{id}/confirm", "post").GetProperty("schema").GetProperty("properties");
        Assert.True(confirm.TryGetProperty("patient_id", out _));
        Assert.False(confirm.TryGetProperty("start_time", out _), "the hold sets the time: a confirm may not send it");

        var parameters = document.GetProperty("paths").GetProperty("/api/v1/appointments/{id}/cancel").GetProperty("post").GetProperty("parameters");
        Assert.Contains(parameters.EnumerateArray(), p => p.GetProperty("name").GetString() == Idempotency.Header && p.GetProperty("in").GetString() == "header");
    }

    [Fact]
    public void A_describing_reader_records_what_the_code_reads_and_how()
    {
        var shape = BodyShape.Of(r =>
        {
            r.String("name", 50, required: true);
            _ = r.Has("flag") ? r.Bool("flag", required: true) : null;
            r.Int("count", 1, 9);
            var nested = r.Object("inner")!;
            nested.Enum("kind", ["a", "b"], required: true);
            r.String("name", 50);
        });

        var fields = shape.Fields.ToDictionary(f => f.Name, f => f.Spec);
        Assert.Equal(["name", "flag", "count", "inner"], shape.Fields.Select(f => f.Name));
        Assert.Equal(new BodyShape.Field("string", Required: true, MaxLength: 50), fields["name"]);
        Assert.Equal(new BodyShape.Field("boolean", NotNull: true), fields["flag"]);
        Assert.Equal((1L, 9L, false), (fields["count"].Minimum!.Value, fields["count"].Maximum!.Value, fields["count"].Required));
        var inner = Assert.Single(fields["inner"].Members!.Fields);
        Assert.Equal(("kind", true), (inner.Name, inner.Spec.Required));
        Assert.Equal(["a", "b"], inner.Spec.Values!);
    }

    /// <summary>
    /// Every example in the API document is sent to the server as documented, with the example ids replaced by records
    /// of a tenant of its own (its clinician works Mondays 08:00-18:00 in London, and the server's clock stands a few
    /// weeks before the examples' dates), and succeeds.
    /// </summary>
    [Fact]
    public async Task Every_documented_request_example_is_accepted_by_the_server()
    {
        await using var clocked = ClockedServer.Start(server, new DateTimeOffset(2029, 12, 17, 9, 0, 0, TimeSpan.Zero));
        var anyone = await server.NewTenantAsync();
        var document = (await anyone.Anonymous().GetAsync("/openapi/v1.json")).Expect(200).Body;
        var examples = new List<(string Method, string Path, string Example)>();
        // The patients' endpoints (a manage link, a clinic's booking page) take no key: OnlineBooking tests cover their examples' shapes.
        foreach (var path in document.GetProperty("paths").EnumerateObject()
            .Where(p => !p.Name.StartsWith("/api/v1/manage/", StringComparison.Ordinal) && !p.Name.StartsWith("/api/v1/public/", StringComparison.Ordinal)))
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (operation.Value.TryGetProperty("requestBody", out var body) && body.GetProperty("content").GetProperty("application/json").TryGetProperty("example", out var example))
                {
                    examples.Add((operation.Name.ToUpperInvariant(), path.Name, example.GetRawText()));
                }
            }
        }
        Assert.True(examples.Count >= 20, $"only {examples.Count} examples are documented");

        var failures = new List<string>();
        foreach (var (method, path, example) in examples)
        {
            var t = await server.NewTenantAsync();
            var api = clocked.Api(t);
            var ids = await ArrangeAsync(t, api);
            var target = await TargetAsync(t, api, ids, path);
            var body = ids.Aggregate(example, (text, id) => text.Replace(id.Key, id.Value, StringComparison.Ordinal));
            var result = await api.SendAsync(new HttpRequestMessage(new HttpMethod(method), target)
            {
                Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
            });
            if (result.StatusCode is not (200 or 201))
            {
                failures.Add($"{method} {path} {body} -> {result.StatusCode} {result.Raw}");
            }
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>The records the examples name, made in the tenant: example id to real id.</summary>
    private static async Task<Dictionary<string, string>> ArrangeAsync(TestTenant t, ApiClient api)
    {
        var patient = await t.CreatePatientAsync();
        var template = (await api.PostAsync("appointment-templates", new { name = "Assessment", duration = 45, allow_online_booking = true })).Expect(201).Id;
        var location = await t.CreateLocationAsync();
        var clinician = await t.CreateClinicianAsync(locationIds: location);
        await t.CreateSessionsAsync(clinician, location, "08:00", "18:00", weekdays: ["monday"]);
        var episode = (await api.PostAsync("episodes", new { patient_id = patient, title = "Example episode" })).Expect(201).Id;
        return new Dictionary<string, string>
        {
            [ExampleIds.Patient] = patient, [ExampleIds.Template] = template, [ExampleIds.Clinician] = clinician,
            [ExampleIds.Location] = location, [ExampleIds.Episode] = episode,
        };
    }

    /// <summary>The request path, with a record in the state the operation acts on for each path parameter.</summary>
    private static async Task<string> TargetAsync(TestTenant t, ApiClient api, Dictionary<string, string> ids, string path)
    {
        var relative = path[ApiPaths.Root.Length..];
        var clinician = ids[ExampleIds.Clinician];
        if (relative.StartsWith("/clinician-profiles/{id}/sessions/", StringComparison.Ordinal))
        {
            var session = (await api.PostAsync($"clinician-profiles/{clinician}/sessions",
                new { location_id = ids[ExampleIds.Location], weekday = "wednesday", start_time = "09:00", end_time = "12:00" })).Expect(201).Id;
            return $"{ApiPaths.Root}/clinician-profiles/{clinician}/sessions/{session}";
        }
        if (relative == "/message-templates/{trigger}/{channel}")
        {
            return $"{ApiPaths.Root}/message-templates/booked/email";
        }
        var id = relative switch
        {
            _ when !relative.Contains('{', StringComparison.Ordinal) => null,
            _ when relative.StartsWith("/clinician-profiles/", StringComparison.Ordinal) => clinician,
            _ when relative.StartsWith("/locations/", StringComparison.Ordinal) => ids[ExampleIds.Location],
            _ when relative.StartsWith("/resources/", StringComparison.Ordinal) => (await api.PostAsync("resources", new
            {
                name = "A room to change", type = "room", location_id = ids[ExampleIds.Location],
            })).Expect(201).Id,
            _ when relative.StartsWith("/patients/external/", StringComparison.Ordinal) => "MRN-100234",
            _ when relative.StartsWith("/patients/", StringComparison.Ordinal) => ids[ExampleIds.Patient],
            _ when relative.StartsWith("/appointment-templates/", StringComparison.Ordinal) => ids[ExampleIds.Template],
            // A group session booked by another patient, which the example's patient joins (or leaves).
            _ when relative.StartsWith("/appointments/{id}/participants", StringComparison.Ordinal) => (await api.PostAsync("appointments", new
            {
                patient_id = await t.CreatePatientAsync(), title = "Class", start_time = "2030-01-14T12:00:00Z", end_time = "2030-01-14T12:30:00Z",
                appointment_type_id = (await api.PostAsync("appointment-templates", new { name = "Class", max_participants = 8 })).Expect(201).Id,
            })).Expect(201).Id,
            _ when relative.StartsWith("/appointments/", StringComparison.Ordinal) => (await api.PostAsync("appointments", new
            {
                patient_id = ids[ExampleIds.Patient], clinician_profile_id = ids[ExampleIds.Clinician], title = "To change",
                start_time = "2030-01-14T09:00:00Z", end_time = "2030-01-14T09:30:00Z",
            })).Expect(201).Id,
            _ when relative.StartsWith("/appointment-series/", StringComparison.Ordinal) => (await api.PostAsync("appointment-series", new
            {
                patient_id = ids[ExampleIds.Patient], clinician_profile_id = ids[ExampleIds.Clinician], location_id = ids[ExampleIds.Location], title = "To change",
                start_time = "2030-01-14T11:00:00Z", end_time = "2030-01-14T11:30:00Z", recurrence = new { frequency = "weekly", count = 2 },
            })).Expect(201).Id,
            _ when relative.StartsWith("/episodes/{id}/reopen", StringComparison.Ordinal) =>
                (await api.PostAsync($"episodes/{ids[ExampleIds.Episode]}/close", new { })).Expect(200).Id,
            _ when relative.StartsWith("/episodes/", StringComparison.Ordinal) => ids[ExampleIds.Episode],
            _ when relative.StartsWith("/holds/", StringComparison.Ordinal) => (await api.PostAsync("holds", new
            {
                appointment_template_id = ids[ExampleIds.Template], clinician_profile_id = ids[ExampleIds.Clinician], start_time = "2030-01-14T10:00:00Z",
            })).Expect(201).Id,
            _ when relative.StartsWith("/pathway-rules/", StringComparison.Ordinal) => (await api.PostAsync("pathway-rules", new
            {
                trigger_type = "appointment.booked", rule_name = "A rule to change", priority = 1,
            })).Expect(201).Id,
            _ when relative.StartsWith("/questionnaire-templates/", StringComparison.Ordinal) => (await api.PostAsync("questionnaire-templates", new
            {
                title = "A form to change", schema = new { fields = new[] { new { key = "ok", label = "All well?", type = "boolean" } } },
            })).Expect(201).Id,
            _ when relative.StartsWith("/questionnaire-responses/", StringComparison.Ordinal) => (await api.PostAsync("questionnaire-responses", new
            {
                questionnaire_id = ExampleIds.QuestionnaireTemplate, patient_id = ids[ExampleIds.Patient], responses = new { little_interest = 0, feeling_down = 0 },
            })).Expect(201).Id,
            _ when relative.StartsWith("/webhooks/", StringComparison.Ordinal) => (await api.PostAsync("webhooks", new
            {
                url = "https://crm.example.com/hooks/other", events = new[] { "patient.created" },
            })).Expect(201).Id,
            _ when relative.StartsWith("/users/", StringComparison.Ordinal) => (await api.PostAsync("users", new
            {
                email = "someone@clinic.example", name = "Someone", role = "reception", password = "a long enough passphrase",
            })).Expect(201).Id,
            _ when relative.StartsWith("/problems/", StringComparison.Ordinal) => (await api.PostAsync("problems", new
            {
                patient_id = ids[ExampleIds.Patient], problem_name = "A problem to amend",
            })).Expect(201).Id,
            _ when relative.StartsWith("/prescriptions/", StringComparison.Ordinal) => (await api.PostAsync("prescriptions", new
            {
                patient_id = ids[ExampleIds.Patient], medication_name = "A prescription to amend", dosage = "500",
            })).Expect(201).Id,
            _ => throw new InvalidOperationException($"No record is arranged for {path}: teach the test what the operation acts on."),
        };
        return ApiPaths.Root + (id is null ? relative : PathParameter().Replace(relative, id));
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex PathParameter();
}

public sealed class RequestShapeTestsOnSqlite(SqliteServer server) : RequestShapeTests(server);
public sealed class RequestShapeTestsOnPostgres(PostgresServer server) : RequestShapeTests(server);
