using Leap.Client.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests;

public abstract class PatientsClientTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_sends_every_field_and_get_returns_the_same_patient()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var created = await sdk.Client.Patients.CreateAsync(new PatientCreate
        {
            FirstName = "Sarah", LastName = "Johnson", DateOfBirth = new DateOnly(1985, 3, 15), MiddleName = "Anne",
            PreferredName = "Sally", Title = "Ms", BiologicalSex = "female", Gender = "woman", NhsNumber = "943 476 5919",
            Email = "sarah.johnson@example.com", Phone = "+44 7700 900123", MobilePhone = "+44 7700 900124",
            AddressLine1 = "1 Example Street", AddressLine2 = "Flat 4", TownCity = "Sampleton", Postcode = "zz99 1aa",
            PreferredContactMethod = "email", ConsentMarketing = true, ConsentSms = false, RequiresReview = true,
            ReviewReason = "New registration",
        }, ct: Ct);

        Assert.StartsWith("pat_", created.Id);
        Assert.Equal(("Sarah", "Johnson", "Anne", "Sally"), (created.FirstName, created.LastName, created.MiddleName, created.PreferredName));
        Assert.Equal(new DateOnly(1985, 3, 15), created.DateOfBirth);
        Assert.Equal("9434765919", created.NhsNumber);
        Assert.Equal(("1 Example Street", "Flat 4", null), (created.AddressLine1, created.AddressLine2, created.AddressLine3));
        Assert.Equal("ZZ99 1AA", created.Postcode);
        Assert.Equal((true, false, true), (created.ConsentMarketing, created.ConsentSms, created.ConsentEmail));
        Assert.Equal((true, "New registration"), (created.RequiresReview, created.ReviewReason));
        Assert.Equal(PatientStatus.Active, created.Status);
        Assert.Equal(created, await sdk.Client.Patients.GetAsync(created.Id, Ct));

        // The wire, read independently of the SDK: snake_case names, dates and instants as the API writes them.
        var raw = (await t.Api.GetAsync($"patients/{created.Id}")).Expect(200).Data;
        Assert.Equal("Flat 4", raw.GetProperty("address_line_2").GetString());
        Assert.Equal("1985-03-15", raw.GetProperty("date_of_birth").GetString());
        Assert.Equal(created.CreatedAt, DateTimeOffset.Parse(raw.GetProperty("created_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task List_filters_by_search_status_and_timestamps()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var patients = sdk.Client.Patients;
        var anna = await patients.CreateAsync(new PatientCreate { FirstName = "Anna", LastName = "Searchable", DateOfBirth = new DateOnly(1970, 1, 2) }, ct: Ct);
        var ben = await patients.CreateAsync(new PatientCreate { FirstName = "Ben", LastName = "Other", DateOfBirth = new DateOnly(1980, 5, 6) }, ct: Ct);
        ben = await patients.ArchiveAsync(ben.Id, "Moved away", ct: Ct);

        var found = await patients.ListAsync(new() { Search = "anna searchable" }, Ct);
        Assert.Equal([anna.Id], found.Data.Select(p => p.Id));
        Assert.Equal((20, false, (int?)null), (found.Limit, found.HasMore, found.NextOffset));
        Assert.StartsWith("req_", found.RequestId);

        Assert.Equal([ben.Id], (await patients.ListAsync(new() { Status = PatientStatus.Archived }, Ct)).Data.Select(p => p.Id));
        Assert.Equal([anna.Id, ben.Id], (await patients.ListAsync(new() { StatusIn = [PatientStatus.Active, PatientStatus.Archived] }, Ct)).Data.Select(p => p.Id));
        Assert.Equal([anna.Id], (await patients.ListAsync(new() { CreatedAtLte = anna.CreatedAt }, Ct)).Data.Select(p => p.Id));
        Assert.Equal([ben.Id], (await patients.ListAsync(new() { UpdatedAtGte = ben.UpdatedAt }, Ct)).Data.Select(p => p.Id));
        Assert.Empty((await patients.ListAsync(new() { CreatedAtGte = DateTimeOffset.UtcNow.AddDays(1) }, Ct)).Data);
    }

    [Fact]
    public async Task Update_sends_only_the_fields_set_and_null_clears_a_field()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var patient = await sdk.Client.Patients.CreateAsync(new PatientCreate
        {
            FirstName = "Cara", LastName = "Changes", DateOfBirth = new DateOnly(1990, 7, 8),
            Email = "cara@example.com", MobilePhone = "07700 900555", Occupation = "Teacher",
        }, ct: Ct);

        var changes = new PatientUpdate { Email = "cara.new@example.com", MobilePhone = null, AddressLine1 = "2 New Road" };
        Assert.Equal(["email", "mobile_phone", "address_line_1"], changes.FieldNames);
        var updated = await sdk.Client.Patients.UpdateAsync(patient.Id, changes, Ct);

        Assert.Equal("cara.new@example.com", updated.Email);
        Assert.Null(updated.MobilePhone);
        Assert.Equal("2 New Road", updated.AddressLine1);
        Assert.Equal("Teacher", updated.Occupation);
        Assert.Equal(patient.DateOfBirth, updated.DateOfBirth);
        Assert.True(updated.UpdatedAt >= patient.UpdatedAt);
        Assert.Equal(updated, await sdk.Client.Patients.GetAsync(patient.Id, Ct));
    }

    [Fact]
    public async Task Archive_records_who_and_why_and_restore_makes_the_patient_active()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var patient = await sdk.Client.Patients.CreateAsync(new PatientCreate { FirstName = "Dev", LastName = "Leaving", DateOfBirth = new DateOnly(1960, 1, 1) }, ct: Ct);

        var archived = await sdk.Client.Patients.ArchiveAsync(patient.Id, "Registered elsewhere", "Letter received", Ct);
        Assert.Equal(PatientStatus.Archived, archived.Status);
        Assert.NotNull(archived.ArchivedAt);
        Assert.StartsWith("key_", archived.ArchivedBy);
        Assert.Equal(("Registered elsewhere", "Letter received"), (archived.ArchiveReason, archived.ArchiveNotes));

        var restored = await sdk.Client.Patients.RestoreAsync(patient.Id, Ct);
        Assert.Equal(PatientStatus.Active, restored.Status);
        Assert.Null(restored.ArchivedAt);
        Assert.Null(restored.ArchiveReason);
    }

    [Fact]
    public async Task A_create_repeated_with_its_idempotency_key_returns_the_first_patient_and_another_body_is_a_conflict()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var body = new PatientCreate { FirstName = "Erin", LastName = "Once", DateOfBirth = new DateOnly(2001, 2, 3) };
        var key = Guid.NewGuid().ToString();

        var first = await sdk.Client.Patients.CreateAsync(body, key, Ct);
        var again = await sdk.Client.Patients.CreateAsync(body, key, Ct);
        Assert.Equal(first, again);
        var conflict = await Assert.ThrowsAsync<LeapConflictException>(() => sdk.Client.Patients.CreateAsync(body with { FirstName = "Other" }, key, Ct));

        Assert.Equal(LeapErrorCodes.Conflict, conflict.Code);
        Assert.Equal(409, conflict.Status);
        Assert.Equal(1, conflict.Attempts);
        Assert.Equal([first.Id], (await t.Api.GetAsync("patients")).Expect(200).Ids());
        Assert.All(sdk.Handler.To("POST", "/patients"), a => Assert.Equal(key, a.IdempotencyKey));
    }

    [Fact]
    public async Task Each_create_call_sends_a_new_uuid_idempotency_key_of_its_own()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var body = new PatientCreate { FirstName = "Femi", LastName = "Twice", DateOfBirth = new DateOnly(1999, 9, 9) };

        await sdk.Client.Patients.CreateAsync(body, ct: Ct);
        // Another person: the server would refuse the same name and birth date again as a likely duplicate.
        await sdk.Client.Patients.CreateAsync(body with { FirstName = "Fola" }, ct: Ct);

        var keys = sdk.Handler.To("POST", "/patients").Select(a => a.IdempotencyKey).ToList();
        Assert.Equal(2, keys.Distinct().Count());
        Assert.All(keys, k => Assert.True(Guid.TryParse(k, out _), $"{k} is not a UUID"));
        Assert.Equal(2, (await t.Api.GetAsync("patients")).Expect(200).Ids().Count);
    }

    [Fact]
    public async Task External_id_is_created_read_filtered_and_updated_and_a_taken_one_is_a_conflict_naming_the_holder()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var patients = sdk.Client.Patients;

        var linked = await patients.CreateAsync(new PatientCreate
        {
            FirstName = "Gita", LastName = "Linked", DateOfBirth = new DateOnly(1975, 4, 5), ExternalId = "MRN-1001",
        }, ct: Ct);
        var other = await patients.CreateAsync(new PatientCreate { FirstName = "Hal", LastName = "Unlinked", DateOfBirth = new DateOnly(1976, 5, 6) }, ct: Ct);
        Assert.Equal("MRN-1001", linked.ExternalId);
        Assert.Null(other.ExternalId);
        Assert.Equal("MRN-1001", (await t.Api.GetAsync($"patients/{linked.Id}")).Expect(200).Data.GetProperty("external_id").GetString());
        Assert.Equal([linked.Id], (await patients.ListAsync(new() { ExternalId = "MRN-1001" }, Ct)).Data.Select(p => p.Id));

        var taken = await Assert.ThrowsAsync<LeapConflictException>(() => patients.UpdateAsync(other.Id, new PatientUpdate { ExternalId = "MRN-1001" }, Ct));
        Assert.Equal((409, LeapErrorCodes.Conflict), (taken.Status, taken.Code));
        Assert.Equal([linked.Id], taken.CandidateIds);

        var relinked = await patients.UpdateAsync(linked.Id, new PatientUpdate { ExternalId = "MRN-2002" }, Ct);
        Assert.Equal("MRN-2002", relinked.ExternalId);
        var unlinked = await patients.UpdateAsync(linked.Id, new PatientUpdate { ExternalId = null }, Ct);
        Assert.Null(unlinked.ExternalId);
        Assert.Empty((await patients.ListAsync(new() { ExternalId = "MRN-2002" }, Ct)).Data);
    }

    [Fact]
    public async Task A_likely_duplicate_is_created_by_default_and_is_LeapDuplicatePatientException_when_the_organisation_refuses()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var patients = sdk.Client.Patients;
        var first = await patients.CreateAsync(new PatientCreate { FirstName = "Ivy", LastName = "Twin", DateOfBirth = new DateOnly(2000, 1, 1) }, ct: Ct);
        Assert.Equal(DuplicatePatientsSetting.Warn, (await sdk.Client.Organisation.GetAsync(Ct)).DuplicatePatients);
        var lookAlike = await patients.CreateAsync(new PatientCreate { FirstName = "Ivy", LastName = "Twin", DateOfBirth = new DateOnly(2000, 1, 1) }, ct: Ct);
        Assert.NotEqual(first.Id, lookAlike.Id);

        var refusing = await sdk.Client.Organisation.UpdateAsync(new OrganisationUpdate { DuplicatePatients = DuplicatePatientsSetting.Refuse }, Ct);
        Assert.Equal(DuplicatePatientsSetting.Refuse, refusing.DuplicatePatients);
        Assert.Equal("refuse", (await t.Api.GetAsync("organisation")).Expect(200).Data.GetProperty("duplicate_patients").GetString());

        var duplicate = await Assert.ThrowsAsync<LeapDuplicatePatientException>(() =>
            patients.CreateAsync(new PatientCreate { FirstName = "IVY", LastName = "twin", DateOfBirth = new DateOnly(2000, 1, 1) }, ct: Ct));
        Assert.Equal((409, LeapErrorCodes.DuplicatePatient, 1), (duplicate.Status, duplicate.Code, duplicate.Attempts));
        Assert.Equal([first.Id, lookAlike.Id], duplicate.CandidateIds.Order());
        Assert.IsAssignableFrom<LeapConflictException>(duplicate);
        Assert.Equal(2, (await t.Api.GetAsync("patients")).Expect(200).Ids().Count);

        var third = await patients.CreateAsync(new PatientCreate { FirstName = "Ivy", LastName = "Twin", DateOfBirth = new DateOnly(2000, 1, 1), Force = true }, ct: Ct);
        Assert.DoesNotContain(third.Id, new[] { first.Id, lookAlike.Id });
        Assert.Equal(3, (await t.Api.GetAsync("patients")).Expect(200).Ids().Count);
    }

    [Fact]
    public async Task Custom_fields_are_sent_read_back_and_merged_by_an_update()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var patients = sdk.Client.Patients;
        var created = await patients.CreateAsync(new PatientCreate
        {
            FirstName = "Cara", LastName = "Custom", DateOfBirth = new DateOnly(1991, 2, 3),
            CustomFields = new() { ["preferred_contact"] = "email", ["marketing_consent"] = true, ["visits"] = 3 },
        }, ct: Ct);
        Assert.Equal(("email", true, 3), (created.CustomFields["preferred_contact"].GetString(), created.CustomFields["marketing_consent"].GetBoolean(),
            created.CustomFields["visits"].GetInt32()));
        Assert.Equal(created, await patients.GetAsync(created.Id, Ct));

        var updated = await patients.UpdateAsync(created.Id, new PatientUpdate { CustomFields = new() { ["visits"] = 4, ["marketing_consent"] = null } }, Ct);
        Assert.Equal(["preferred_contact", "visits"], updated.CustomFields.Keys.Order());
        Assert.Equal(4, updated.CustomFields["visits"].GetInt32());
        var raw = (await t.Api.GetAsync($"patients/{created.Id}")).Expect(200).Data.GetProperty("custom_fields");
        Assert.Equal("""{"preferred_contact":"email","visits":4}""", raw.GetRawText());

        var cleared = await patients.UpdateAsync(created.Id, new PatientUpdate { CustomFields = null }, Ct);
        Assert.Empty(cleared.CustomFields);
        Assert.Equal(PatientCustomFields.Empty, cleared.CustomFields);
        var invalid = await Assert.ThrowsAsync<LeapValidationException>(() =>
            patients.UpdateAsync(created.Id, new PatientUpdate { CustomFields = new() { ["nested"] = new Dictionary<string, object?> { ["a"] = 1 } } }, Ct));
        Assert.Equal(["custom_fields.nested"], invalid.Details.Select(d => d.Field));
    }

    [Fact]
    public async Task Upsert_by_external_id_creates_with_201_then_updates_with_200_and_says_which()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var patients = sdk.Client.Patients;

        var created = await patients.UpsertByExternalIdAsync("PMS|42", new PatientUpdate
        {
            FirstName = "Jo", LastName = "Synced", DateOfBirth = new DateOnly(1988, 8, 8), Email = "jo@example.com", MobilePhone = "07700 900777",
        }, ct: Ct);
        Assert.True(created.Created);
        Assert.Equal(("PMS|42", "Jo", "jo@example.com"), (created.Patient.ExternalId, created.Patient.FirstName, created.Patient.Email));
        Assert.Equal([201], sdk.Handler.To("PUT", "/patients/external/PMS%7C42").Select(a => a.Status));

        var updated = await patients.UpsertByExternalIdAsync("PMS|42", new PatientUpdate { Email = "jo.new@example.com", MobilePhone = null }, ct: Ct);
        Assert.False(updated.Created);
        Assert.Equal(created.Patient.Id, updated.Patient.Id);
        Assert.Equal(("Jo", "jo.new@example.com", (string?)null), (updated.Patient.FirstName, updated.Patient.Email, updated.Patient.MobilePhone));
        var stored = (await t.Api.GetAsync($"patients/{created.Patient.Id}")).Expect(200).Data;
        Assert.Equal("jo.new@example.com", stored.GetProperty("email").GetString());
        Assert.Equal("PMS|42", stored.GetProperty("external_id").GetString());

        var same = await patients.UpsertByExternalIdAsync("PMS|42", new PatientUpdate { Email = "jo.new@example.com" }, ct: Ct);
        Assert.Equal((false, updated.Patient.UpdatedAt), (same.Created, same.Patient.UpdatedAt));
        Assert.Equal([created.Patient.Id], (await t.Api.GetAsync("patients")).Expect(200).Ids());
        Assert.All(sdk.Handler.To("PUT", "/patients/external/PMS%7C42"), a => Assert.Null(a.IdempotencyKey));

        // A create through the upsert is duplicate-checked too; force creates anyway.
        await sdk.Client.Organisation.UpdateAsync(new OrganisationUpdate { DuplicatePatients = DuplicatePatientsSetting.Refuse }, Ct);
        var duplicate = await Assert.ThrowsAsync<LeapDuplicatePatientException>(() => patients.UpsertByExternalIdAsync("OTHER-1", new PatientUpdate
        {
            FirstName = "Jo", LastName = "Synced", DateOfBirth = new DateOnly(1988, 8, 8),
        }, ct: Ct));
        Assert.Equal([created.Patient.Id], duplicate.CandidateIds);
        var forced = await patients.UpsertByExternalIdAsync("OTHER-1", new PatientUpdate
        {
            FirstName = "Jo", LastName = "Synced", DateOfBirth = new DateOnly(1988, 8, 8),
        }, force: true, ct: Ct);
        Assert.True(forced.Created);
        Assert.Equal(2, (await t.Api.GetAsync("patients")).Expect(200).Ids().Count);

        var missingFields = await Assert.ThrowsAsync<LeapValidationException>(() =>
            patients.UpsertByExternalIdAsync("NEW-9", new PatientUpdate { Email = "x@example.com" }, ct: Ct));
        Assert.Contains(missingFields.Details, d => d.Field == "first_name");
        var badId = await Assert.ThrowsAsync<LeapValidationException>(() =>
            patients.UpsertByExternalIdAsync("-bad id-", new PatientUpdate { FirstName = "K" }, ct: Ct));
        Assert.Contains(badId.Details, d => d.Field == "external_id");
    }

    [Fact]
    public async Task List_filters_by_nhs_number_email_and_date_of_birth()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var sarah = await sdk.Client.Patients.CreateAsync(new PatientCreate
        {
            FirstName = "Sarah", LastName = "Filter", DateOfBirth = new DateOnly(1985, 3, 15), NhsNumber = "9434765919", Email = "sarah.filter@example.com",
        }, ct: Ct);
        await sdk.Client.Patients.CreateAsync(new PatientCreate { FirstName = "Other", LastName = "Filter", DateOfBirth = new DateOnly(1990, 1, 1) }, ct: Ct);
        Assert.Equal([sarah.Id], (await sdk.Client.Patients.ListAsync(new() { NhsNumber = "9434765919" }, Ct)).Data.Select(p => p.Id));
        Assert.Equal([sarah.Id], (await sdk.Client.Patients.ListAsync(new() { Email = "sarah.filter@example.com" }, Ct)).Data.Select(p => p.Id));
        Assert.Equal([sarah.Id], (await sdk.Client.Patients.ListAsync(new() { DateOfBirth = new DateOnly(1985, 3, 15) }, Ct)).Data.Select(p => p.Id));
    }
}

public sealed class PatientsClientTestsOnSqlite(SqliteServer server) : PatientsClientTests(server);
public sealed class PatientsClientTestsOnPostgres(PostgresServer server) : PatientsClientTests(server);
