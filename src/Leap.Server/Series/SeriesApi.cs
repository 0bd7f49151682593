using Leap.Server.Accounts;
using Leap.Server.Appointments;
using Leap.Server.Availability;
using Leap.Server.Http;
using Leap.Server.Locations;
using Leap.Server.Resources;
using Leap.Server.Storage;
using Leap.Server.Telemetry;
using Leap.Server.Webhooks;

namespace Leap.Server.Series;

/// <summary>
/// Recurring series (docs/series.md): one request books every occurrence through the ordinary booking path, all or
/// nothing in one transaction (or the free ones with <c>skip_conflicts</c>); the series is then read and cancelled as one.
/// </summary>
public static class SeriesApi
{
    /// <summary>A booking that loses an occurrence's time to a concurrent one looks again, this many times in all.</summary>
    private const int Attempts = 3;

    private static readonly HashSet<string> NoneIgnored = [];

    /// <summary>The conflict type of an occurrence whose room or equipment is not free (the clinician's are <c>appointment</c> and <c>hold</c>).</summary>
    private const string ResourceConflictType = "resource";

    public static void MapAppointmentSeries(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/appointment-series").WithTags("Appointment series");
        group.MapPost("/", Create).RequireScope(Scopes.WriteAppointments).Idempotent()
            .Reads("AppointmentSeriesCreate", DescribeCreate, $$$"""
                {"patient_id": "{{{ExampleIds.Patient}}}", "appointment_type_id": "{{{ExampleIds.Template}}}",
                 "clinician_profile_id": "{{{ExampleIds.Clinician}}}", "location_id": "{{{ExampleIds.Location}}}", "title": "Physiotherapy",
                 "start_time": "2030-01-07T09:00:00Z", "end_time": "2030-01-07T09:45:00Z",
                 "recurrence": {"frequency": "weekly", "interval": 1, "count": 6, "by_weekday": ["monday"]}}
                """);
        group.MapGet("/{id}", Get).RequireScope(Scopes.ReadAppointments);
        group.MapPost("/{id}/cancel", Cancel).RequireScope(Scopes.WriteAppointments).Idempotent()
            .Reads("AppointmentSeriesCancel", DescribeCancel, """{"scope": "all", "cancellation_reason": "The course was stopped"}""");
        group.MapPost("/{id}/move", Move).RequireScope(Scopes.WriteAppointments).Idempotent()
            .Reads("AppointmentSeriesMove", DescribeMove, """{"scope": "all", "offset_minutes": 60}""");
    }

    private static void DescribeCreate(BodyReader r)
    {
        AppointmentValidation.Apply(r, AppointmentValidation.Blank(Sample.Id(Ids.Appointment), AppointmentsApi.BookingSource, Sample.Now), creating: true, Sample.Now);
        SeriesValidation.Read(r);
    }

    private static void DescribeCancel(BodyReader r)
    {
        SeriesValidation.ReadScope(r);
        AppointmentValidation.ReadCancel(r);
    }

    private static void DescribeMove(BodyReader r)
    {
        SeriesValidation.ReadScope(r);
        SeriesValidation.ReadOffset(r);
    }

    private static async Task<ApiCreated<AppointmentSeries>> Create(WriteRequest request, AppointmentEvents events, WebhookOutbox outbox,
        TimeProvider clock, CancellationToken ct)
    {
        var db = request.Db;
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var reader = request.Reader();
        var first = AppointmentValidation.Apply(reader, AppointmentValidation.Blank(Ids.New(Ids.Appointment), AppointmentsApi.BookingSource, now), creating: true, now);
        first = await AppointmentValidation.CheckReferencesAsync(reader, db, first, before: null, ct);
        var (rule, skipConflicts) = SeriesValidation.Read(reader);
        if (first.LocationId is null && !reader.Failed("location_id"))
        {
            reader.Fail("location_id", "is required: a series is expanded in its location's time zone");
        }
        reader.ThrowIfInvalid();
        var location = await LocationStore.FindAsync(db, first.LocationId!, ct) ?? throw ApiException.NotFound("location", first.LocationId!);
        var zone = LocalTimes.Zone(location.Timezone);
        var starts = SeriesValidation.Expand(reader, rule!, first, zone);
        reader.ThrowIfInvalid();

        var series = new AppointmentSeries
        {
            Id = Ids.New(Ids.Series), PatientId = first.PatientId, ClinicianProfileId = first.ClinicianProfileId, AppointmentTypeId = first.AppointmentTypeId,
            LocationId = location.Id, Title = first.Title, TimeZone = zone.Id, Recurrence = rule!, StartTime = first.StartTime, EndTime = first.EndTime,
            CreatedAt = now, UpdatedAt = now,
        };
        var length = first.EndTime - first.StartTime;
        var occurrences = starts.Select((start, i) => first with
        {
            Id = i == 0 ? first.Id : Ids.New(Ids.Appointment), StartTime = start, EndTime = start + length, SeriesId = series.Id,
        }).ToList();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var booked = await request.CreateAsync(write => BookAsync(write, events, outbox, series, occurrences, skipConflicts, now, ct), ct);
                LeapMetrics.Booked(booked.Answer, "appointment_series");
                return booked;
            }
            catch (Exception e) when (db.IsOverlapViolation(e))
            {
                // A concurrent booking took an occurrence's time after this one looked: look again, and report what took it.
                if (attempt == Attempts)
                {
                    throw Conflict(await ConflictsAsync(db, occurrences, NoneIgnored, now, ct), occurrences.Count);
                }
            }
        }
    }

    /// <summary>
    /// Books the free occurrences, each through <see cref="AppointmentEvents.BookAsync"/> (the database refuses an
    /// overlap, routing and webhooks are queued as for any booking), with the series, in the caller's transaction.
    /// </summary>
    private static async Task<AppointmentSeries> BookAsync(TenantDb db, AppointmentEvents events, WebhookOutbox outbox, AppointmentSeries series,
        IReadOnlyList<Appointment> occurrences, bool skipConflicts, DateTimeOffset now, CancellationToken ct)
    {
        var conflicts = (await ConflictsAsync(db, occurrences, NoneIgnored, now, ct)).ToList();
        var clashing = conflicts.Select(c => c.StartTime).ToHashSet();
        // Each occurrence the clinician is free for takes its resources at its own time (the occurrences never overlap, so
        // their picks are independent); one whose resource is taken, or with none free of a required type, clashes too.
        var bookings = new List<Appointment>();
        foreach (var occurrence in occurrences.Where(o => !clashing.Contains(o.StartTime)))
        {
            var (booking, shortage) = await ResourceBooking.TryPickAsync(db, occurrence, ct);
            if (shortage is null)
            {
                bookings.Add(booking);
            }
            else
            {
                conflicts.Add(ResourceConflict(occurrence, shortage));
            }
        }
        conflicts.Sort((x, y) => x.StartTime.CompareTo(y.StartTime));
        if (conflicts.Count > 0 && (!skipConflicts || bookings.Count == 0))
        {
            throw Conflict(conflicts, occurrences.Count);
        }
        await SeriesStore.InsertAsync(db, series, ct);
        foreach (var booking in bookings)
        {
            await events.BookAsync(db, booking, ct);
        }
        var booked = series with { Appointments = bookings, Skipped = skipConflicts ? conflicts : null };
        await outbox.RecordAsync(db, WebhookEventTypes.AppointmentSeriesCreated, booked, null, ct);
        return booked;
    }

    /// <summary>Each occurrence whose time (buffers included) an appointment or a live hold of the clinician takes, with the first thing in its way.</summary>
    private static async Task<IReadOnlyList<OccurrenceConflict>> ConflictsAsync(TenantDb db, IReadOnlyList<Appointment> occurrences,
        IReadOnlySet<string> ignored, DateTimeOffset now, CancellationToken ct)
    {
        if (occurrences is not [var first, ..] || !first.BlocksClinician)
        {
            return [];
        }
        var taken = await ClinicianBusy.TakenAsync(db, first.ClinicianProfileId!, occurrences.Min(o => o.BusyStart), occurrences.Max(o => o.BusyEnd), now, ct);
        return
        [
            .. occurrences.SelectMany(o => taken.Where(t => t.BusyStart < o.BusyEnd && t.BusyEnd > o.BusyStart && !ignored.Contains(t.Id)).Take(1).Select(t => new OccurrenceConflict
            {
                StartTime = o.StartTime,
                EndTime = o.EndTime,
                ConflictType = t.Kind,
                ConflictingAppointmentId = t.Kind == ClinicianBusy.AppointmentKind ? t.Id : null,
                ConflictingHoldId = t.Kind == ClinicianBusy.HoldKind ? t.Id : null,
                HoldExpiresAt = t.ExpiresAt,
            })),
        ];
    }

    private static OccurrenceConflict ResourceConflict(Appointment occurrence, ResourceBooking.Shortage shortage) => new()
    {
        StartTime = occurrence.StartTime,
        EndTime = occurrence.EndTime,
        ConflictType = ResourceConflictType,
        ResourceType = shortage.Type,
        ConflictingResourceId = shortage.Taken?.ResourceId,
        ConflictingAppointmentId = shortage.Taken?.AppointmentId,
    };

    private static ApiException Conflict(IReadOnlyList<OccurrenceConflict> conflicts, int occurrences, bool moving = false) =>
        new(409, ErrorCodes.SeriesConflict, conflicts.Count == 0
            ? $"An occurrence's time was taken by another booking made at the same moment; nothing was {(moving ? "moved" : "booked")}. Send the request again."
            : moving
                ? $"{conflicts.Count} of the {occurrences} moved occurrences would clash with other bookings (listed in error.details.conflicts); nothing was moved."
                : $"{conflicts.Count} of the {occurrences} occurrences clash with other bookings (listed in error.details.conflicts); nothing was booked. " +
                  "Move the series, or send \"skip_conflicts\": true to book the free occurrences only.")
        {
            DetailsObject = new SeriesConflictDetails(conflicts),
        };

    private static async Task<ApiData<AppointmentSeries>> Get(string id, TenantDb db, CancellationToken ct) =>
        Api.Ok(await WithAppointmentsAsync(db, id, ct));

    private static async Task<AppointmentSeries> WithAppointmentsAsync(TenantDb db, string id, CancellationToken ct)
    {
        var series = await SeriesStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("appointment series", id);
        return series with { Appointments = await AppointmentStore.OfSeriesAsync(db, id, ct) };
    }

    /// <summary>
    /// Moves every active occurrence (<c>all</c>), or those from one occurrence on (<c>following</c>), by an offset of
    /// wall-clock time at the location, each as a PATCH of its times would; in one transaction, all or none.
    /// </summary>
    private static async Task<ApiActed<AppointmentSeries>> Move(string id, WriteRequest request, AppointmentEvents events, TimeProvider clock, CancellationToken ct)
    {
        var reader = request.Reader();
        var (_, from) = SeriesValidation.ReadScope(reader);
        var offset = SeriesValidation.ReadOffset(reader);
        reader.ThrowIfInvalid();
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        IReadOnlyList<Appointment> moved = [];
        try
        {
            return await request.ActAsync(async write =>
            {
                var (series, moving) = await InScopeAsync(write, id, from, "move", ct);
                var zone = LocalTimes.Zone(series.TimeZone);
                moved = [.. moving.Select(a => Shifted(a, offset, zone, now))];
                var conflicts = await ConflictsAsync(write, moved, moving.Select(a => a.Id).ToHashSet(), now, ct);
                if (conflicts.Count > 0)
                {
                    throw Conflict(conflicts, moved.Count, moving: true);
                }
                // Later occurrences move first when moving later (earlier first when earlier), so none lands on one not yet moved.
                // Each keeps its resources where they are free at its new time and re-picks the others; a shortage stops the move.
                foreach (var (before, after) in offset > 0 ? moving.Zip(moved).Reverse() : moving.Zip(moved))
                {
                    if (await ResourceBooking.RepickAsync(write, before, after, ct) is (_, { } shortage))
                    {
                        throw Conflict([ResourceConflict(after, shortage)], moved.Count, moving: true);
                    }
                    await events.ChangeAsync(write, before, after, ct);
                }
                await SeriesStore.TouchAsync(write, id, now, ct);
                return series with { Appointments = await AppointmentStore.OfSeriesAsync(write, id, ct), UpdatedAt = now };
            }, ct);
        }
        catch (Exception e) when (request.Db.IsOverlapViolation(e))
        {
            throw Conflict(await ConflictsAsync(request.Db, moved, moved.Select(a => a.Id).ToHashSet(), now, ct), moved.Count, moving: true);
        }
    }

    /// <summary>The same local time <paramref name="minutes"/> later (or earlier) at the location, with the same length.</summary>
    private static Appointment Shifted(Appointment a, int minutes, TimeZoneInfo zone, DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(a.StartTime, zone).DateTime.AddMinutes(minutes);
        var start = LocalTimes.ToInstant(DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local), zone);
        return a with { StartTime = start, EndTime = start + (a.EndTime - a.StartTime), UpdatedAt = now };
    }

    /// <summary>
    /// The series (locked) and its active occurrences in scope, each read again and locked: all of them, or those
    /// starting at or after <paramref name="from"/>. None is a 409.
    /// </summary>
    private static async Task<(AppointmentSeries Series, IReadOnlyList<Appointment> Active)> InScopeAsync(TenantDb db, string id, string? from, string verb,
        CancellationToken ct)
    {
        var series = await WithAppointmentsAsync(db, id, ct);
        var pivot = from is null ? null : series.Appointments.FirstOrDefault(a => a.Id == from)
            ?? throw ApiException.Validation([new FieldError("from_appointment_id", $"appointment {from} is not an occurrence of series {id}")]);
        var active = new List<Appointment>();
        foreach (var occurrence in series.Appointments.Where(a => AppointmentStatuses.IsActive(a.Status) && (pivot is null || a.StartTime >= pivot.StartTime)))
        {
            active.Add((await AppointmentStore.FindAsync(db, occurrence.Id, ct))!);
        }
        if (active.Count == 0)
        {
            throw new ApiException(409, ErrorCodes.InvalidState,
                $"Appointment series {id} has no active occurrences{(pivot is null ? "" : $" from {pivot.Id} on")} to {verb}.");
        }
        return (series, active);
    }

    /// <summary>Cancels every active occurrence (<c>all</c>), or those from one occurrence on (<c>following</c>), each as a single cancel would.</summary>
    private static async Task<ApiActed<AppointmentSeries>> Cancel(string id, WriteRequest request, AppointmentEvents events, TimeProvider clock, CancellationToken ct)
    {
        var reader = request.Reader();
        var (_, from) = SeriesValidation.ReadScope(reader);
        var reason = AppointmentValidation.ReadCancel(reader);
        reader.ThrowIfInvalid();
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        return await request.ActAsync(async write =>
        {
            var (series, cancelling) = await InScopeAsync(write, id, from, "cancel", ct);
            foreach (var occurrence in cancelling)
            {
                await AppointmentsApi.CancelAsync(write, events, occurrence.Id, reason, now, ct);
            }
            await SeriesStore.TouchAsync(write, id, now, ct);
            return series with { Appointments = await AppointmentStore.OfSeriesAsync(write, id, ct), UpdatedAt = now };
        }, ct);
    }
}
