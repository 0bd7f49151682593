using Leap.Server.Storage;

namespace Leap.Server.Availability;

/// <summary>Slots for a range, the next free slot, and whether one start time is bookable: loads the rows, lets the engine decide.</summary>
public sealed class AvailabilityService(TimeProvider clock)
{
    /// <summary>Jump: <c>date_to</c> at most 14 days after <c>date_from</c>.</summary>
    public const int MaxRangeDays = 14;

    /// <summary>Jump: <c>/availability/next</c> looks 30 days ahead.</summary>
    public static readonly TimeSpan NextWindow = TimeSpan.FromDays(30);

    private const int NextChunkDays = 7;

    /// <summary>
    /// Checks the records a request names (each must exist in the tenant and take online bookings, unless
    /// <paramref name="includeOffline"/>), reporting problems through <paramref name="fail"/> under the field names the
    /// client used; the template's rules when it passes.
    /// </summary>
    public async Task<(BookingRules? Rules, AvailabilityReferences Found)> ResolveAsync(TenantDb db, string? templateId, string? clinicianId,
        string? locationId, Action<string, string> fail, CancellationToken ct,
        string templateField = "appointment_template_id", string clinicianField = "clinician_profile_id", bool includeOffline = false)
    {
        if (templateId is null && clinicianId is null && locationId is null)
        {
            return (null, new AvailabilityReferences());
        }
        var found = await AvailabilityStore.FindReferencesAsync(db, templateId, clinicianId, locationId, ct);
        // Reports the first problem of a named record, if any; true when it is usable.
        bool Usable(string field, string what, string? id, bool exists, params (bool Ok, string Otherwise)[] conditions)
        {
            var problem = id is null ? null : !exists ? $"no {what} {id} exists" : conditions.FirstOrDefault(c => !c.Ok).Otherwise;
            if (problem is not null)
            {
                fail(field, exists ? $"{what} {id} {problem}" : problem);
            }
            return id is not null && problem is null;
        }

        BookingRules? rules = null;
        if (Usable(templateField, "appointment template", templateId, found.TemplateName is not null,
                (found.TemplateActive, "is not active"),
                (found.TemplateOnline || includeOffline, "is not offered online (allow_online_booking is false; a caller with write_appointments may send include_offline=true)")))
        {
            rules = new BookingRules(templateId!, found.TemplateName!, TimeSpan.FromMinutes(found.Duration),
                TimeSpan.FromMinutes(found.BufferBeforeMinutes), TimeSpan.FromMinutes(found.BufferAfterMinutes),
                TimeSpan.FromMinutes(found.MinNoticeMinutes), TimeSpan.FromDays(found.MaxAdvanceDays), found.MaxParticipants)
            {
                IncludeOffline = includeOffline,
                RequiredResourceTypes = found.RequiredResourceTypes ?? [],
            };
        }
        Usable(clinicianField, "clinician profile", clinicianId, found.ClinicianName is not null,
            (found.ClinicianActive, "is not active"),
            (found.ClinicianBookable || includeOffline, "is not bookable online (is_bookable_online is false; a caller with write_appointments may send include_offline=true)"),
            (found.ClinicianProvides || found.TemplateName is null, $"does not provide appointment template {templateId} (see its appointment_template_ids)"));
        Usable("location_id", "location", locationId, found.LocationName is not null, (found.LocationActive, "is not active"));
        return (rules, found);
    }

    /// <summary>Free slots on the local dates <paramref name="from"/>..<paramref name="to"/> (at each slot's location); dispose the list once written.</summary>
    public Task<SlotList> FindAsync(TenantDb db, BookingRules rules, DateOnly from, DateOnly to, string? clinicianId, string? locationId, CancellationToken ct) =>
        FindAsync(db, rules, from, to, clinicianId, locationId, clock.GetUtcNow(), ct);

    /// <summary>The first free slot starting within <see cref="NextWindow"/> of now, or null; searched a week at a time.</summary>
    public async Task<Slot?> NextAsync(TenantDb db, BookingRules rules, string? clinicianId, string? locationId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var limit = now + NextWindow;
        // Local dates: a location west of UTC may still be on yesterday, one east of it already on tomorrow.
        var last = DateOnly.FromDateTime(limit.UtcDateTime).AddDays(1);
        for (var from = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-1); from <= last; from = from.AddDays(NextChunkDays))
        {
            var to = from.AddDays(NextChunkDays - 1) < last ? from.AddDays(NextChunkDays - 1) : last;
            using var slots = await FindAsync(db, rules, from, to, clinicianId, locationId, now, ct);
            if (slots.Count > 0)
            {
                var first = slots[0];
                return first.StartTime <= limit ? first : null;
            }
        }
        return null;
    }

    /// <summary>Whether the slot starting at <paramref name="start"/> can be booked now (see <see cref="SlotEngine.Check"/>).</summary>
    public async Task<SlotCheck> CheckAsync(TenantDb db, BookingRules rules, string clinicianId, string? locationId, DateTimeOffset start, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var day = DateOnly.FromDateTime(start.UtcDateTime);
        var rota = await AvailabilityStore.SessionsAsync(db, rules, day.AddDays(-1), day.AddDays(1), clinicianId, locationId, ct);
        var stretches = SlotEngine.Stretches(rota.Sessions, day.AddDays(-1), day.AddDays(1));
        var busy = await AvailabilityStore.BusyAsync(db, clinicianId, start - rules.BufferBefore, start + rules.Duration + rules.BufferAfter, now, ct);
        var check = new SlotEngine(rules, now).Check(start, stretches, locationId, busy, rota.Closures);
        if (!check.Available || rules.RequiredResourceTypes.Count == 0)
        {
            return check;
        }
        var location = check.SessionLocationId!;
        var resources = await ResourceTimes.LoadAsync(db, rules, [location], start, start, ct);
        return resources.Free(location, start.UtcTicks) ? check : check with
        {
            Available = false, Reason = SlotReasons.NoResource, Slot = null,
            Message = $"No {string.Join(" or ", rules.RequiredResourceTypes)} that {rules.TemplateName} needs is free at location {location} then (buffers included).",
        };
    }

    private async Task<SlotList> FindAsync(TenantDb db, BookingRules rules, DateOnly from, DateOnly to, string? clinicianId, string? locationId,
        DateTimeOffset now, CancellationToken ct)
    {
        var rota = await AvailabilityStore.SessionsAsync(db, rules, from, to, clinicianId, locationId, ct);
        var stretches = SlotEngine.Open(SlotEngine.Stretches(rota.Sessions, from, to), rota.Closures);
        // Slots (buffers included) lie inside the stretches, so only busy time overlapping them matters.
        var busy = stretches.Count == 0
            ? BusyIntervals.None
            : await AvailabilityStore.BusyTimesAsync(db, stretches.Select(s => s.ClinicianId).Distinct().ToList(),
                stretches.Min(s => s.Start), stretches.Max(s => s.End), now, ct);
        var sessions = rules.IsGroup ? await AvailabilityStore.OpenSessionsAsync(db, rules.TemplateId, from, to, clinicianId, locationId, ct) : [];
        var slots = new SlotEngine(rules, now).FreeSlots(stretches, busy, sessions);
        if (rules.RequiredResourceTypes.Count > 0 && slots.Count > 0)
        {
            var resources = await ResourceTimes.LoadAsync(db, rules, stretches.Select(s => s.LocationId).Distinct().ToList(),
                stretches.Min(s => s.Start), stretches.Max(s => s.End), ct);
            // A booked session has its resources already: only a new appointment needs free ones.
            slots.Keep(slot => slot.Session != 0 || resources.Free(slots.Owners[slot.Owner].LocationId, slot.Start));
        }
        return slots;
    }
}
