using System.Data.Common;
using Dapper;
using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Patients;

public sealed class PatientStore(Database db)
{
    private const string Columns =
        """
        id, first_name, last_name, middle_name, preferred_name, title, date_of_birth, biological_sex, gender, ethnicity,
        nhs_number, email, phone, mobile_phone, home_phone, address_line_1, address_line_2, address_line_3, town_city,
        postcode, country, preferred_contact_method, status, patient_type, is_deceased, date_of_death, requires_review,
        review_reason, accessibility_needs, accessibility_notes, occupation, patient_notes, consent_sms, consent_email,
        consent_marketing, consent_electronic_communication, archived_at, archived_by, archive_reason, archive_notes,
        created_at, updated_at
        """;

    private static readonly string Values = "@" + string.Join(", @", Columns.Split(',', StringSplitOptions.TrimEntries).Select(ToPascal));

    private static readonly string Assignments = string.Join(", ",
        Columns.Split(',', StringSplitOptions.TrimEntries).Where(c => c is not ("id" or "created_at")).Select(c => $"{c} = @{ToPascal(c)}"));

    public static readonly ListSpec ListSpec = new ListSpec()
        .ExactOrIn("status", "status", PatientValues.Statuses)
        .TimeRange("created_at", "created_at")
        .TimeRange("updated_at", "updated_at")
        .Custom("search");

    public Task<Patient?> FindAsync(Tenant tenant, string id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<Patient>(
            $"SELECT {Columns} FROM patients WHERE id = @id AND org_id = @OrgId AND mode = @Mode",
            new { id, tenant.OrgId, tenant.Mode }, ct);

    public static Task<Patient?> FindAsync(DbConnection connection, DbTransaction tx, Tenant tenant, string id, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<Patient>(new CommandDefinition(
            $"SELECT {Columns} FROM patients WHERE id = @id AND org_id = @OrgId AND mode = @Mode",
            new { id, tenant.OrgId, tenant.Mode }, tx, cancellationToken: ct));

    public async Task<Page<Patient>> ListAsync(Tenant tenant, ListQuery query, CancellationToken ct)
    {
        var search = SearchCondition(query);
        var rows = await db.QueryAsync<Patient>(
            $"SELECT {Columns} FROM patients WHERE org_id = @OrgId AND mode = @Mode{query.Where}{search} ORDER BY id LIMIT @Limit OFFSET @Offset",
            query.Parameters(tenant), ct);
        return query.ToPage(rows);
    }

    public static async Task InsertAsync(DbConnection connection, DbTransaction tx, Tenant tenant, Patient patient, CancellationToken ct)
    {
        var parameters = Parameters(tenant, patient);
        await connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO patients (org_id, mode, search_text, {Columns}) VALUES (@OrgId, @Mode, @SearchText, {Values})",
            parameters, tx, cancellationToken: ct));
    }

    public static async Task UpdateAsync(DbConnection connection, DbTransaction tx, Tenant tenant, Patient patient, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE patients SET search_text = @SearchText, {Assignments} WHERE id = @Id AND org_id = @OrgId AND mode = @Mode",
            Parameters(tenant, patient), tx, cancellationToken: ct));
    }

    private static DynamicParameters Parameters(Tenant tenant, Patient patient)
    {
        var parameters = new DynamicParameters(patient);
        parameters.Add("OrgId", tenant.OrgId);
        parameters.Add("Mode", tenant.Mode);
        parameters.Add("SearchText", PatientSearch.BuildText(patient));
        return parameters;
    }

    /// <summary>
    /// Every term must occur in search_text. On PostgreSQL a trigram GIN index serves LIKE directly; on
    /// SQLite the FTS5 trigram table does, for terms of three characters or more (shorter ones filter rows).
    /// </summary>
    private string SearchCondition(ListQuery query)
    {
        if (!query.Raw.TryGetValue("search", out var search))
        {
            return "";
        }
        var terms = PatientSearch.Terms(search);
        if (terms.Count == 0)
        {
            return "";
        }
        var conditions = new List<string>();
        var indexed = new List<string>();
        foreach (var term in terms)
        {
            // LIKE wildcards typed by the user are literal; the FTS5 index cannot take an ESCAPE clause, so such
            // (rare) terms filter rows directly.
            if (term.AsSpan().IndexOfAny('%', '_', '\\') >= 0)
            {
                var escaped = term.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
                conditions.Add($"search_text LIKE {query.Bind($"%{escaped}%")} ESCAPE '\\'");
            }
            else if (db.Engine == Engine.Sqlite && term.Length >= 3)
            {
                indexed.Add($"search_text LIKE {query.Bind($"%{term}%")}");
            }
            else
            {
                conditions.Add($"search_text LIKE {query.Bind($"%{term}%")}");
            }
        }
        if (indexed.Count > 0)
        {
            conditions.Add($"seq IN (SELECT rowid FROM patient_search WHERE {string.Join(" AND ", indexed)})");
        }
        return " AND " + string.Join(" AND ", conditions);
    }

    private static string ToPascal(string column) =>
        string.Concat(column.Split('_').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
}
