using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Patients;

public static class PatientStore
{
    private const string Columns =
        """
        id, external_id, first_name, last_name, middle_name, preferred_name, title, date_of_birth, biological_sex, gender, ethnicity,
        nhs_number, email, phone, mobile_phone, home_phone, address_line_1, address_line_2, address_line_3, town_city,
        postcode, country, preferred_contact_method, status, patient_type, is_deceased, date_of_death, requires_review,
        review_reason, accessibility_needs, accessibility_notes, occupation, patient_notes, consent_sms, consent_email,
        consent_marketing, consent_electronic_communication, archived_at, archived_by, archive_reason, archive_notes,
        custom_fields, created_at, updated_at
        """;

    private static readonly string Values = SqlColumns.Values(Columns);

    private static readonly string Assignments = SqlColumns.Assignments(Columns);

    public static readonly ListSpec ListSpec = new ListSpec()
        .ExactOrIn("status", "status", PatientValues.Statuses)
        .Exact("external_id", "external_id")
        .Exact("nhs_number", "patients.nhs_number")
        .Exact("email", "patients.email")
        .Date("date_of_birth", "patients.date_of_birth")
        .TimeRange("created_at", "created_at")
        .TimeRange("updated_at", "updated_at")
        .Custom("search");

    /// <summary>A patient; inside a write, locked until it commits (not against rows that refer to the patient).</summary>
    public static Task<Patient?> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<Patient>($"SELECT {Columns} FROM patients WHERE id = @id AND {TenantSql.Filter}{db.RowLock(noKey: true)}", new { id }, ct);

    /// <summary>
    /// The patient with this external id; inside a write, syncs of one external id run one at a time, so the
    /// second of two concurrent first syncs finds the patient the first created.
    /// </summary>
    public static async Task<Patient?> FindByExternalIdAsync(TenantDb db, string externalId, CancellationToken ct)
    {
        await db.SerializeAsync($"patient/external/{externalId}", ct);
        return await db.SingleAsync<Patient>(
            $"SELECT {Columns} FROM patients WHERE external_id = @externalId AND {TenantSql.Filter}{db.RowLock(noKey: true)}", new { externalId }, ct);
    }

    public static Task<string?> FindIdByExternalIdAsync(TenantDb db, string externalId, CancellationToken ct) =>
        db.SingleAsync<string>($"SELECT id FROM patients WHERE external_id = @externalId AND {TenantSql.Filter}", new { externalId }, ct);

    /// <summary>
    /// Patients who look like the same person: same name (ignoring case) and date of birth, or the same NHS
    /// number. Creates of one birth date (and of one NHS number) run one at a time, so two concurrent creates of
    /// one person cannot both pass the check.
    /// </summary>
    public static async Task<IReadOnlyList<string>> FindDuplicatesAsync(TenantDb db, Patient patient, CancellationToken ct)
    {
        // Always birth date first, then NHS number: one order for every transaction, so no deadlock.
        await db.SerializeAsync("patient/born/" + patient.DateOfBirth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ct);
        if (patient.NhsNumber is not null)
        {
            await db.SerializeAsync("patient/nhs/" + patient.NhsNumber, ct);
        }
        var byNhs = patient.NhsNumber is null ? "" : " OR nhs_number = @NhsNumber";
        return await db.ListAsync<string>(
            $"""
            SELECT id FROM patients
            WHERE {TenantSql.Filter}
              AND ((date_of_birth = @DateOfBirth AND lower(last_name) = lower(@LastName) AND lower(first_name) = lower(@FirstName)){byNhs})
            ORDER BY id LIMIT 10
            """,
            new { patient.DateOfBirth, patient.FirstName, patient.LastName, patient.NhsNumber }, ct);
    }

    public static Task<Page<Patient>> ListAsync(TenantDb db, ListQuery query, CancellationToken ct)
    {
        var (from, search, order) = SearchClauses(db.Engine, query);
        return db.PageAsync<Patient>(
            $"SELECT {Columns} FROM {from} WHERE {TenantSql.Of("patients")}{query.Where}{search} ORDER BY {order} LIMIT @Limit OFFSET @Offset", query, ct);
    }

    public static Task InsertAsync(TenantDb db, Patient patient, CancellationToken ct) =>
        db.ExecuteAsync(
            $"INSERT INTO patients ({TenantSql.Columns}, search_text, {Columns}) VALUES ({TenantSql.Values}, @SearchText, {Values})",
            Parameters(patient), ct);

    public static Task UpdateAsync(TenantDb db, Patient patient, CancellationToken ct) =>
        db.ExecuteAsync($"UPDATE patients SET search_text = @SearchText, {Assignments} WHERE id = @Id AND {TenantSql.Filter}", Parameters(patient), ct);

    private static SqlArgs Parameters(Patient patient)
    {
        var parameters = new SqlArgs(patient);
        parameters.Add("SearchText", PatientSearch.BuildText(patient));
        return parameters;
    }

    /// <summary>
    /// Every term must occur in search_text. On PostgreSQL a trigram GIN index serves LIKE directly. On SQLite the
    /// FTS5 trigram table answers one MATCH of all terms of three characters or more, and is read first, in its
    /// own (creation) order, so a page ends as soon as it is full: under 2 ms on 100,000 patients even for a term
    /// every patient shares, where filtering patients by a MATCH set took 50-500 ms. Shorter terms filter the
    /// rows found with LIKE.
    /// </summary>
    private static (string From, string Conditions, string Order) SearchClauses(Engine engine, ListQuery query)
    {
        var terms = query.Raw.TryGetValue("search", out var search) ? PatientSearch.Terms(search) : [];
        var phrases = engine == Engine.Sqlite ? terms.Where(t => t.Length >= 3).ToList() : [];
        var conditions = new List<string>();
        foreach (var term in terms.Except(phrases))
        {
            // LIKE wildcards typed by the user are literal.
            conditions.Add($"patients.search_text LIKE {query.Bind($"%{ListSpec.EscapeLike(term)}%")} ESCAPE '\\'");
        }
        if (phrases.Count == 0)
        {
            return ("patients", string.Concat(conditions.Select(c => " AND " + c)), "id");
        }
        // Quoted FTS5 phrases: every character literal (a doubled quote stands for one); together they must all match.
        var match = string.Join(' ', phrases.Select(t => "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
        conditions.Insert(0, $"patient_search MATCH {query.Bind(match)}");
        return ("patient_search CROSS JOIN patients ON patients.seq = patient_search.rowid",
            string.Concat(conditions.Select(c => " AND " + c)), "patient_search.rowid");
    }
}
