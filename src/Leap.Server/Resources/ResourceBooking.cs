using Leap.Server.Appointments;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Resources;

/// <summary>
/// How a booking takes its rooms and equipment (docs/groups-and-resources.md): the resources sent in
/// <c>resource_ids</c>, plus a free active resource at the appointment's location of each type its template requires
/// that those do not cover. Claimed in the booking's transaction (<see cref="AppointmentStore.InsertAsync"/>), where
/// the database refuses a resource already taken.
/// </summary>
public static class ResourceBooking
{
    /// <summary>How many times a booking picks again when a resource it picked was taken by a booking that committed first.</summary>
    private const int Attempts = 3;

    private const string Advice = "Choose another slot: GET /availability offers only times when the template's resources are free.";

    /// <summary>
    /// Checks a new booking's resources, reporting problems through <paramref name="r"/>: each resource sent must be the
    /// tenant's, active and at the appointment's location, and a template that requires resources needs a location.
    /// Leaves on the appointment the required types its resources do not cover, to be picked when it is booked.
    /// </summary>
    public static async Task<Appointment> CheckAsync(BodyReader r, TenantDb db, Appointment a, IReadOnlyList<string> requiredTypes, CancellationToken ct)
    {
        var sent = a.ResourceIds ?? [];
        if ((sent.Count > 0 || requiredTypes.Count > 0) && a.LocationId is null)
        {
            if (!r.Failed("location_id"))
            {
                r.Fail("location_id", sent.Count > 0
                    ? "is required with resource_ids: resources belong to a location"
                    : $"is required: appointment template {a.AppointmentTypeId} needs a {string.Join(" and a ", requiredTypes)}, which belong to a location");
            }
            return a;
        }
        var covered = new List<string>();
        if (sent.Count > 0)
        {
            var found = (await ResourceStore.FindManyAsync(db, sent, ct)).ToDictionary(x => x.Id, StringComparer.Ordinal);
            foreach (var id in sent)
            {
                var problem = !found.TryGetValue(id, out var resource) ? $"no resource {id} exists"
                    : !resource.IsActive ? $"resource {id} is not active"
                    : resource.LocationId != a.LocationId ? $"resource {id} is at location {resource.LocationId}, not at {a.LocationId}"
                    : null;
                if (problem is not null)
                {
                    r.Fail("resource_ids", problem);
                }
                else
                {
                    covered.Add(resource!.Type);
                }
            }
        }
        return a with { ResourceTypesToPick = [.. requiredTypes.Except(covered)] };
    }

    /// <summary>
    /// Runs <paramref name="commit"/> (the booking's transaction) with the appointment's resources picked. A resource
    /// it picked and a booking that committed first took meanwhile is picked again, at most <see cref="Attempts"/>
    /// times; a taken resource sent by the client, or none left to pick, is a 409 naming what is in the way. Any
    /// other refusal is the clinician's, answered by <paramref name="clinicianUnavailable"/>.
    /// </summary>
    public static async Task<T> BookAsync<T>(TenantDb db, Appointment appointment, Func<Appointment, Task<T>> commit,
        Func<Appointment, Task<ApiException>> clinicianUnavailable, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var booking = await PickAsync(db, appointment, ct);
            try
            {
                return await commit(booking);
            }
            catch (Exception e) when (db.IsOverlapViolation(e))
            {
                var clash = booking.ResourceIds is { Count: > 0 } ids
                    ? await ResourceBusy.ClashAsync(db, ids, booking.BusyStart, booking.BusyEnd, booking.Id, ct)
                    : null;
                if (clash is null)
                {
                    throw await clinicianUnavailable(booking);
                }
                var picked = !(appointment.ResourceIds ?? []).Contains(clash.ResourceId);
                if (picked && attempt < Attempts)
                {
                    continue;
                }
                throw Taken(booking, clash);
            }
        }
    }

    /// <summary>The 409 for an appointment whose resource the database refused, when a look after the failed transaction finds what took it.</summary>
    public static async Task<ApiException?> TakenAsync(TenantDb db, Appointment a, CancellationToken ct) =>
        a.BlocksResources && await ResourceBusy.ClashAsync(db, a.ResourceIds!, a.BusyStart, a.BusyEnd, a.Id, ct) is { } clash ? Taken(a, clash) : null;

    private static ApiException Taken(Appointment a, ResourceBusy.Clash clash) =>
        new(409, ErrorCodes.SlotUnavailable,
            $"Resource {clash.ResourceId} is not free from {a.BusyStart:yyyy-MM-dd'T'HH:mm'Z'} to {a.BusyEnd:yyyy-MM-dd'T'HH:mm'Z'} " +
            $"(buffers included): the time overlaps appointment {clash.AppointmentId}. {Advice}")
        {
            ConflictingAppointmentId = clash.AppointmentId,
        };

    /// <summary>
    /// What keeps an appointment from its resources at its time: a resource sent in <c>resource_ids</c> that another
    /// appointment takes (<see cref="Taken"/>), or a required type with no free resource at the location (<see cref="Type"/>).
    /// </summary>
    public sealed record Shortage(string? Type, ResourceBusy.Clash? Taken);

    /// <summary>Adds a free resource of each type left to pick (409 when a type has none free); no query when there is none to pick.</summary>
    public static async Task<Appointment> PickAsync(TenantDb db, Appointment a, CancellationToken ct)
    {
        var (picked, missing) = await PickTypesAsync(db, a, ct);
        return missing is null ? picked : throw Unavailable(a, new Shortage(missing, null));
    }

    /// <summary>
    /// A new booking's resources, or what is in the way (a series' occurrence is skipped or reported for it, not refused
    /// alone): the resources it names must be free at its time, and a free one of each type left to pick is added.
    /// </summary>
    public static async Task<(Appointment Booking, Shortage? Shortage)> TryPickAsync(TenantDb db, Appointment a, CancellationToken ct)
    {
        if (a.ResourceIds is { Count: > 0 } sent && await ResourceBusy.ClashAsync(db, sent, a.BusyStart, a.BusyEnd, a.Id, ct) is { } clash)
        {
            return (a, new Shortage(null, clash));
        }
        var (picked, missing) = await PickTypesAsync(db, a, ct);
        return (picked, missing is null ? null : new Shortage(missing, null));
    }

    /// <summary>
    /// A rescheduled appointment's resources (new times or a new location): each one at its location and free at its new
    /// time (buffers included) is kept; each other is swapped for a free active resource of the same type there. Nothing
    /// to do for a change that moves neither. The shortage is a type with none free.
    /// </summary>
    public static async Task<(Appointment Moved, Shortage? Shortage)> RepickAsync(TenantDb db, Appointment before, Appointment after, CancellationToken ct)
    {
        if (!after.BlocksResources || (before.BusyStart == after.BusyStart && before.BusyEnd == after.BusyEnd && before.LocationId == after.LocationId))
        {
            return (after, null);
        }
        var kept = new List<string>();
        var toPick = new List<string>();
        foreach (var resource in await ResourceStore.FindManyAsync(db, after.ResourceIds!, ct))
        {
            if (resource.LocationId == after.LocationId && await ResourceBusy.ClashAsync(db, [resource.Id], after.BusyStart, after.BusyEnd, after.Id, ct) is null)
            {
                kept.Add(resource.Id);
            }
            else
            {
                toPick.Add(resource.Type);
            }
        }
        if (toPick.Count == 0)
        {
            return (after, null);
        }
        var picks = after.LocationId is null ? []
            : await ResourceBusy.FreeAsync(db, after.LocationId, [.. toPick.Distinct()], after.BusyStart, after.BusyEnd, ct, except: kept);
        // One free resource is picked per type: two of one type to swap need two, and the second is short.
        if (toPick.GroupBy(type => type).FirstOrDefault(g => g.Count() > picks.Count(p => p.Type == g.Key))?.Key is { } missing)
        {
            return (after, new Shortage(missing, null));
        }
        return (after with { ResourceIds = [.. kept.Concat(picks.Select(p => p.Id)).Order(StringComparer.Ordinal)] }, null);
    }

    /// <summary>The 409 for an appointment that cannot have its resources at its time.</summary>
    public static ApiException Unavailable(Appointment a, Shortage shortage) =>
        shortage.Taken is { } clash
            ? Taken(a, clash)
            : new ApiException(409, ErrorCodes.SlotUnavailable,
                $"No {shortage.Type} at location {a.LocationId} is free from {a.BusyStart:yyyy-MM-dd'T'HH:mm'Z'} to {a.BusyEnd:yyyy-MM-dd'T'HH:mm'Z'} " +
                $"(buffers included). {Advice}");

    /// <summary>Adds a free resource of each type left to pick, or names a type with none free; no query when there is none to pick.</summary>
    private static async Task<(Appointment Picked, string? MissingType)> PickTypesAsync(TenantDb db, Appointment a, CancellationToken ct)
    {
        if (a.ResourceTypesToPick is not { Count: > 0 } types)
        {
            return (a, null);
        }
        var picks = await ResourceBusy.FreeAsync(db, a.LocationId!, types, a.BusyStart, a.BusyEnd, ct);
        if (types.FirstOrDefault(type => picks.All(p => p.Type != type)) is { } missing)
        {
            return (a, missing);
        }
        return (a with { ResourceIds = [.. (a.ResourceIds ?? []).Concat(picks.Select(p => p.Id)).Order(StringComparer.Ordinal)] }, null);
    }
}
