using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Leap.Server.Availability;
using Leap.Server.Http;
using Leap.Server.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Leap.Server.Benchmark;

/// <summary>
/// What the machine can do without the API's work, beside each benchmark result (bench/Leap.Bench,
/// docs/performance.md): a durable single-row insert through the same writer or connection pool as every write,
/// a read of the rows the appointment list returns, the patient search's query and mapping, the serialization of an availability answer held in memory,
/// and the server's counters. Mapped only when <c>Benchmark:LimitEndpoints=true</c>, which the benchmark sets
/// for its own server: they take no key and must never be on in a real deployment.
/// </summary>
public static class LimitEndpoints
{
    public const string Setting = "Benchmark:LimitEndpoints";

    /// <summary>The benchmark's scratch table (no tenant): what the raw insert writes.</summary>
    public const string Table = "bench_rows";

    private static HeldAvailability? heldAvailability;

    public static void MapLimitEndpoints(this WebApplication app)
    {
        if (!app.Configuration.GetValue(Setting, false))
        {
            return;
        }
        var group = app.MapGroup("/_bench").ExcludeFromDescription();
        group.MapPost("/insert", InsertAsync);
        group.MapGet("/read", ReadAsync);
        group.MapGet("/search/{orgId}/{mode}", SearchAsync);
        group.MapPut("/availability", HoldAvailabilityAsync);
        group.MapGet("/availability", () => heldAvailability is { } held ? (IResult)held.Answer() : Results.NotFound());
        group.MapGet("/stats", StatsAsync);
    }

    /// <summary>The scratch table, created by the benchmark's seeding (not a migration: it is no part of Leap's schema).</summary>
    public static string CreateTableSql(Engine engine) =>
        $"CREATE TABLE {Table} (id TEXT PRIMARY KEY, payload TEXT NOT NULL, created_at {(engine == Engine.Postgres ? "TIMESTAMPTZ" : "TEXT")} NOT NULL)";

    /// <summary>One row, durably committed exactly as a booking is (the same write path), with no validation around it.</summary>
    private static async Task<IResult> InsertAsync(Database database, CancellationToken ct)
    {
        var id = Guid.CreateVersion7().ToString();
        await database.CrossTenant("benchmark").WriteAsync(
            $"INSERT INTO {Table} (id, payload, created_at) VALUES (@id, @payload, @now)",
            new { id, payload = "a row of about the size of a short appointment title and a few ids", now = TypeHandlers.Truncate(DateTimeOffset.UtcNow) }, ct);
        return Results.Text(id, statusCode: 201);
    }

    /// <summary>
    /// The rows the appointment list scenario asks for (one clinician's first 20 from a date), read through the same
    /// reader pool, every column's value fetched, and nothing else: no key, no query parsing, no mapping, no JSON.
    /// </summary>
    private static async Task<IResult> ReadAsync(string orgId, string mode, string clinicianId, DateTimeOffset from, Database database, CancellationToken ct)
    {
        var db = database.ForTenant(new Accounts.Tenant(orgId, mode));
        var count = await db.ReadAsync(
            $"SELECT * FROM appointments WHERE {TenantSql.Filter} AND clinician_profile_id = @clinicianId AND start_time >= @from ORDER BY start_time, id LIMIT 20",
            new { clinicianId, from }, async reader =>
            {
                var rows = 0;
                var values = new object[reader.FieldCount];
                while (await reader.ReadAsync(ct))
                {
                    reader.GetValues(values);
                    rows++;
                }
                return rows;
            }, ct);
        return Results.Text(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The patient search scenario's query, parsed, run and mapped by the store exactly as the API does (the tenant
    /// is in the path because the search parameters are the query string), without the key, the envelope or JSON.
    /// </summary>
    private static async Task<IResult> SearchAsync(string orgId, string mode, HttpRequest request, Database database, CancellationToken ct)
    {
        var page = await Patients.PatientStore.ListAsync(database.ForTenant(new Accounts.Tenant(orgId, mode)), Patients.PatientStore.ListSpec.Parse(request), ct);
        return Results.Text(page.Items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<IResult> StatsAsync(Database database, CancellationToken ct)
    {
        // A row's work is done when its changes are routed and the messages they made due are sent (a booking's
        // confirmation email): until then it still costs the rows measured after it.
        var queued = await database.CrossTenant("benchmark").ScalarAsync<long>(
            "SELECT (SELECT COUNT(*) FROM routing_queue) + (SELECT COUNT(*) FROM notifications WHERE status = 'pending' AND next_attempt_at <= @now)",
            new { now = TypeHandlers.Truncate(DateTimeOffset.UtcNow) }, ct);
        return Results.Json(new LimitStats(database.Commands, (long)database.WriteTime.TotalMicroseconds,
            (long)Process.GetCurrentProcess().TotalProcessorTime.TotalMicroseconds, queued), LimitJson.Default.LimitStats);
    }

    /// <summary>
    /// Holds an availability answer (as <c>GET /availability</c> gave it) for the serialization row, in the form the
    /// slot engine hands to <see cref="AvailabilityAnswer"/>: what remains of a request once the slots are known.
    /// </summary>
    private static async Task<IResult> HoldAvailabilityAsync(HttpRequest request, IOptions<JsonOptions> json, CancellationToken ct)
    {
        // Two weeks of slots outgrow the API's body limit.
        request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = null;
        var type = (JsonTypeInfo<DataEnvelope<AvailabilityData>>)json.Value.SerializerOptions.GetTypeInfo(typeof(DataEnvelope<AvailabilityData>));
        var data = (await JsonSerializer.DeserializeAsync(request.Body, type, ct))!.Data;
        var owners = data.Slots.Select(s => new SlotOwner(s.ClinicianProfileId, s.ClinicianName, s.LocationId)).Distinct().ToArray();
        var rank = owners.Select((owner, i) => (owner, i)).ToDictionary(o => o.owner, o => o.i);
        var first = data.Slots.FirstOrDefault();
        var rules = new BookingRules(first?.AppointmentTemplateId ?? "", "", first is null ? TimeSpan.Zero : first.EndTime - first.StartTime,
            TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        var slots = data.Slots.Select(s => new FreeSlot(s.StartTime.UtcTicks, rank[new SlotOwner(s.ClinicianProfileId, s.ClinicianName, s.LocationId)])).ToArray();
        heldAvailability = new HeldAvailability(rules, owners, slots, data.DateRange);
        return Results.NoContent();
    }

    private sealed record HeldAvailability(BookingRules Rules, SlotOwner[] Owners, FreeSlot[] Slots, DateRange Range)
    {
        public AvailabilityAnswer Answer()
        {
            var list = new SlotList(Rules, Owners, Slots.Length);
            foreach (var slot in Slots)
            {
                list.Add(slot.Start, slot.Owner);
            }
            return new AvailabilityAnswer(list, Range);
        }
    }
}

/// <summary>
/// The server's counters since start (database commands, time inside write transactions, CPU time) and the changes
/// waiting to be routed now.
/// </summary>
public sealed record LimitStats(long Commands, long WriteMicroseconds, long CpuMicroseconds, long Queued);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(LimitStats))]
internal sealed partial class LimitJson : JsonSerializerContext;
