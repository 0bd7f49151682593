using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Api;

/// <summary>Mirroring another system's patients: external ids, the upsert, and the duplicate check on create.</summary>
public abstract class PatientSyncTests(LeapFixture server)
{
    /// <summary>A tenant whose organisation refuses likely duplicate patients (<c>duplicate_patients: refuse</c>).</summary>
    private async Task<TestTenant> RefusingAsync()
    {
        var t = await server.NewTenantAsync();
        Assert.Equal("refuse", (await t.Api.PatchAsync("organisation", new { duplicate_patients = "refuse" })).Expect(200)
            .Data.GetProperty("duplicate_patients").GetString());
        return t;
    }

    private static IEnumerable<string?> PossibleDuplicates(ApiResult created) =>
        created.Meta.GetProperty("possible_duplicates").EnumerateArray().Select(d =>
        {
            Assert.Equal(["id"], d.EnumerateObject().Select(p => p.Name));
            return d.GetProperty("id").GetString();
        });

    private static object Sarah(object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["first_name"] = "Sarah", ["last_name"] = "Johnson", ["date_of_birth"] = "1985-03-15" };
        foreach (var property in extra?.GetType().GetProperties() ?? [])
        {
            body[property.Name] = property.GetValue(extra);
        }
        return body;
    }

    [Fact]
    public async Task An_external_id_names_one_patient_per_organisation_and_mode()
    {
        var t = await server.NewTenantAsync();
        var first = (await t.Api.PostAsync("patients", Sarah(new { external_id = "MRN-1001" }))).Expect(201);
        Assert.Equal("MRN-1001", first.Data.GetProperty("external_id").GetString());
        Assert.Equal([first.Id], (await t.Api.GetAsync("patients?external_id=MRN-1001")).Expect(200).Ids());

        var taken = (await t.Api.PostAsync("patients", new { first_name = "Tom", last_name = "Other", date_of_birth = "1970-01-01", external_id = "MRN-1001" }))
            .ExpectError(409, "CONFLICT");
        Assert.Equal([first.Id], taken.Error.GetProperty("candidate_ids").EnumerateArray().Select(x => x.GetString()));
        var tom = await t.CreatePatientAsync("Tom", "Other");
        (await t.Api.PatchAsync($"patients/{tom}", new { external_id = "MRN-1001" })).ExpectError(409, "CONFLICT");
        (await t.Api.PatchAsync($"patients/{tom}", new { external_id = "has spaces" })).ExpectError(422, "VALIDATION_ERROR");

        var other = await server.NewTenantAsync();
        (await other.Api.PostAsync("patients", Sarah(new { external_id = "MRN-1001" }))).Expect(201);
        var live = await t.KeyAsync(Leap.Server.Accounts.Scopes.All, Leap.Server.Accounts.Modes.Live);
        (await live.PostAsync("patients", Sarah(new { external_id = "MRN-1001" }))).Expect(201);
    }

    [Fact]
    public async Task Put_by_external_id_creates_then_updates_with_the_fields_sent()
    {
        var t = await server.NewTenantAsync();
        var created = (await t.Api.SendAsync(HttpMethod.Put, "patients/external/EHR:42", Sarah(new { email = "sarah@example.com", phone = "+44 7700 900123" }))).Expect(201);
        Assert.Equal("EHR:42", created.Data.GetProperty("external_id").GetString());

        var updated = (await t.Api.SendAsync(HttpMethod.Put, "patients/external/EHR:42", new { email = "sarah.j@example.com" })).Expect(200);
        Assert.Equal(created.Id, updated.Id);
        Assert.Equal("sarah.j@example.com", updated.Data.GetProperty("email").GetString());
        Assert.Equal("+44 7700 900123", updated.Data.GetProperty("phone").GetString());

        var repeated = (await t.Api.SendAsync(HttpMethod.Put, "patients/external/EHR:42", new { email = "sarah.j@example.com" })).Expect(200);
        Assert.Equal(updated.Data.GetProperty("updated_at").GetString(), repeated.Data.GetProperty("updated_at").GetString());
        Assert.Equal([created.Id], (await t.Api.GetAsync("patients")).Ids());

        (await t.Api.SendAsync(HttpMethod.Put, "patients/external/EHR:42", new { external_id = "EHR:43" })).ExpectError(422, "VALIDATION_ERROR");
        (await t.Api.SendAsync(HttpMethod.Put, "patients/external/-starts-badly", Sarah())).ExpectError(422, "VALIDATION_ERROR");
        var incomplete = (await t.Api.SendAsync(HttpMethod.Put, "patients/external/EHR:44", new { first_name = "Only" })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["date_of_birth", "last_name"], incomplete.ErrorFields.Order());
        Assert.Single((await t.Api.GetAsync("patients")).Ids());
    }

    [Fact]
    public async Task Concurrent_puts_of_one_external_id_create_one_patient()
    {
        var t = await server.NewTenantAsync();
        using var start = new ManualResetEventSlim();
        var puts = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await t.Api.SendAsync(HttpMethod.Put, "patients/external/SYNC-7", new
            {
                first_name = "Race", last_name = "Condition", date_of_birth = "1990-01-01", occupation = $"Writer {i}",
            });
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(puts);
        Assert.All(results, r => Assert.True(r.StatusCode is 200 or 201, r.Raw));
        Assert.Single(results, r => r.StatusCode == 201);
        Assert.Single(results.Select(r => r.Id).Distinct());
        Assert.Single((await t.Api.GetAsync("patients")).Ids());
    }

    [Fact]
    public async Task By_default_the_same_person_again_is_created_with_the_possible_duplicates_named_in_meta()
    {
        var t = await server.NewTenantAsync();
        Assert.Equal("warn", (await t.Api.GetAsync("organisation")).Expect(200).Data.GetProperty("duplicate_patients").GetString());
        var sarah = (await t.Api.PostAsync("patients", Sarah(new { nhs_number = "943 476 5919" }))).Expect(201);
        Assert.False(sarah.Meta.TryGetProperty("possible_duplicates", out _));

        var sameName = (await t.Api.PostAsync("patients", new { first_name = "SARAH", last_name = "johnson", date_of_birth = "1985-03-15" }, "dup-1")).Expect(201);
        Assert.Equal([sarah.Id], PossibleDuplicates(sameName));
        var replay = (await t.Api.PostAsync("patients", new { first_name = "SARAH", last_name = "johnson", date_of_birth = "1985-03-15" }, "dup-1")).Expect(201);
        Assert.Equal("true", replay.Header("Idempotent-Replayed"));
        Assert.Equal([sarah.Id], PossibleDuplicates(replay));
        var sameNhs = (await t.Api.PostAsync("patients", new { first_name = "Sally", last_name = "Jones", date_of_birth = "1985-03-16", nhs_number = "9434765919" }))
            .Expect(201);
        Assert.Equal([sarah.Id], PossibleDuplicates(sameNhs));
        var forced = (await t.Api.PostAsync("patients", Sarah(new { force = true }))).Expect(201);
        Assert.False(forced.Meta.TryGetProperty("possible_duplicates", out _));
        Assert.Equal(new[] { sarah.Id, sameName.Id, forced.Id }.Order(), PossibleDuplicates((await t.Api.PostAsync("patients", Sarah())).Expect(201)).Order());

        var synced = (await t.Api.SendAsync(HttpMethod.Put, "patients/external/MRN-88", new { first_name = "Sally", last_name = "Jones", date_of_birth = "1985-03-16" }))
            .Expect(201);
        Assert.Equal([sameNhs.Id], PossibleDuplicates(synced));
        Assert.Equal(6, (await t.Api.GetAsync("patients")).Ids().Count);
    }

    [Fact]
    public async Task Duplicate_patients_is_an_organisation_setting_of_warn_or_refuse()
    {
        var t = await server.NewTenantAsync();
        var invalid = (await t.Api.PatchAsync("organisation", new { duplicate_patients = "sometimes" })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["duplicate_patients"], invalid.ErrorFields);
        (await t.Api.PatchAsync("organisation", new { duplicate_patients = (string?)null })).ExpectError(422, "VALIDATION_ERROR");
        (await t.Api.PatchAsync("organisation", new { duplicate_patients = "refuse" })).Expect(200);
        Assert.Equal("refuse", (await t.Api.GetAsync("organisation")).Data.GetProperty("duplicate_patients").GetString());
        await t.CreatePatientAsync("Twin", "Setting", "2001-02-03");
        (await t.Api.PostAsync("patients", new { first_name = "Twin", last_name = "Setting", date_of_birth = "2001-02-03" })).ExpectError(409, "DUPLICATE_PATIENT");

        // The live dataset has its own settings.
        var live = await t.KeyAsync(Leap.Server.Accounts.Scopes.All, Leap.Server.Accounts.Modes.Live);
        Assert.Equal("warn", (await live.GetAsync("organisation")).Data.GetProperty("duplicate_patients").GetString());

        (await t.Api.PatchAsync("organisation", new { duplicate_patients = "warn" })).Expect(200);
        (await t.Api.PostAsync("patients", new { first_name = "Twin", last_name = "Setting", date_of_birth = "2001-02-03" })).Expect(201);
        var key = await t.KeyAsync([Leap.Server.Accounts.Scopes.ReadPatients]);
        (await key.PatchAsync("organisation", new { duplicate_patients = "refuse" })).ExpectError(403, "FORBIDDEN");
    }

    [Fact]
    public async Task Refusing_the_same_person_again_is_409_with_the_candidates_unless_forced()
    {
        var t = await RefusingAsync();
        var sarah = (await t.Api.PostAsync("patients", Sarah(new { nhs_number = "943 476 5919" }))).Expect(201).Id;

        var sameName = (await t.Api.PostAsync("patients", new { first_name = "SARAH", last_name = "johnson", date_of_birth = "1985-03-15" }))
            .ExpectError(409, "DUPLICATE_PATIENT");
        Assert.Equal([sarah], sameName.Error.GetProperty("candidate_ids").EnumerateArray().Select(x => x.GetString()));
        Assert.Contains("force", sameName.Error.GetProperty("message").GetString());
        var sameNhs = (await t.Api.PostAsync("patients", new { first_name = "Sally", last_name = "Jones", date_of_birth = "1985-03-16", nhs_number = "9434765919" }))
            .ExpectError(409, "DUPLICATE_PATIENT");
        Assert.Equal([sarah], sameNhs.Error.GetProperty("candidate_ids").EnumerateArray().Select(x => x.GetString()));
        Assert.Single((await t.Api.GetAsync("patients")).Ids());

        (await t.Api.PostAsync("patients", new { first_name = "Sarah", last_name = "Johnson", date_of_birth = "1985-03-16" })).Expect(201);
        var forced = (await t.Api.PostAsync("patients", Sarah(new { force = true }))).Expect(201);
        Assert.NotEqual(sarah, forced.Id);
        Assert.False(forced.Data.TryGetProperty("force", out _));
        var twins = (await t.Api.PostAsync("patients", Sarah())).ExpectError(409, "DUPLICATE_PATIENT");
        Assert.Equal([sarah, forced.Id], twins.Error.GetProperty("candidate_ids").EnumerateArray().Select(x => x.GetString()));
    }

    [Fact]
    public async Task A_sync_refused_as_an_unlinked_duplicate_links_it_instead()
    {
        var t = await RefusingAsync();
        var sarah = (await t.Api.PostAsync("patients", Sarah())).Expect(201).Id;
        var duplicate = (await t.Api.SendAsync(HttpMethod.Put, "patients/external/MRN-77", Sarah())).ExpectError(409, "DUPLICATE_PATIENT");
        Assert.Equal([sarah], duplicate.Error.GetProperty("candidate_ids").EnumerateArray().Select(x => x.GetString()));

        (await t.Api.PatchAsync($"patients/{sarah}", new { external_id = "MRN-77" })).Expect(200);
        var synced = (await t.Api.SendAsync(HttpMethod.Put, "patients/external/MRN-77", Sarah(new { occupation = "Teacher" }))).Expect(200);
        Assert.Equal(sarah, synced.Id);
        Assert.Equal("Teacher", synced.Data.GetProperty("occupation").GetString());
    }

    [Fact]
    public async Task Concurrent_creates_of_one_person_create_one_patient_when_duplicates_are_refused()
    {
        var t = await RefusingAsync();
        using var start = new ManualResetEventSlim();
        var creates = Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await t.Api.PostAsync("patients", new { first_name = "Double", last_name = "Click", date_of_birth = "1977-07-07" });
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(creates);
        Assert.Single(results, r => r.StatusCode == 201);
        Assert.All(results.Where(r => r.StatusCode != 201), r => Assert.Equal("DUPLICATE_PATIENT", r.ErrorCode));
        Assert.Single((await t.Api.GetAsync("patients")).Ids());
    }
}

public sealed class PatientSyncTestsOnSqlite(SqliteServer server) : PatientSyncTests(server);
public sealed class PatientSyncTestsOnPostgres(PostgresServer server) : PatientSyncTests(server);
