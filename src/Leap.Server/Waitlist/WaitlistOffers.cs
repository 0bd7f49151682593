using Leap.Server.Accounts;
using Leap.Server.Appointments;
using Leap.Server.Availability;
using Leap.Server.Clinicians;
using Leap.Server.Holds;
using Leap.Server.Notifications;
using Leap.Server.Pathways;
using Leap.Server.Storage;
using Leap.Server.Webhooks;

namespace Leap.Server.Waitlist;

/// <summary>
/// Offers freed slots to the waitlist (docs/waitlist.md). A cancelled or moved appointment's old slot is offered when the
/// change is routed, in the routing transaction (<see cref="AppointmentEvents.RouteAsync"/>): the offer commits with
/// the routing row's deletion, so it is made once, after the change's commit, and a crash before it leaves the row to be
/// routed again. An offer that lapses is expired by <see cref="WaitlistWorker"/>, which offers the slot to the next
/// entry in the same transaction. Time freed by a clinician's block being removed is offered the same way, when the
/// removal is routed (<see cref="OfferFreedTimeAsync"/>). The database keeps every offer single: an entry moves from waiting to offered only
/// once (a conditional update), and the hold takes the clinician's time, which no two holds can share.
/// </summary>
public sealed class WaitlistOffers(AvailabilityService availability, WebhookOutbox outbox, ManageLinks links, TimeProvider clock)
{
    public const string OfferPath = "/waitlist-offers";

    /// <summary>How many waiting entries an offer tries, in order, before it gives up (the others won by concurrent offers).</summary>
    private const int Candidates = 20;

    /// <summary>The entry as answered to its clinic: with the patient's claim link while it is offered.</summary>
    public WaitlistEntry Attach(Tenant tenant, WaitlistEntry entry) => entry with
    {
        ClaimUrl = entry.Status == WaitlistStatuses.Offered
            ? links.LinkFor(Http.ApiPaths.Root + OfferPath, tenant, entry.Id, entry.PatientId)
            : null,
    };

    /// <summary>
    /// Inside a write: offers the freed slot to the first waiting entry it suits (a 15-minute hold of it), when the slot can
    /// still be booked (nobody took it since, it is inside the clinician's sessions and the template's notice and advance
    /// limits) and its template and clinician take online bookings; records <c>waitlist.offered</c>. The entry offered,
    /// or null.
    /// </summary>
    public async Task<WaitlistEntry?> OfferAsync(TenantDb db, WaitlistStore.FreedSlot slot, CancellationToken ct)
    {
        var usable = true;
        var (rules, _) = await availability.ResolveAsync(db, slot.TemplateId, slot.ClinicianId, null, (_, _) => usable = false, ct);
        if (rules is null || !usable)
        {
            return null;
        }
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        // After this, no other write can take the time until this one ends: the check below stays true for the hold.
        await ClinicianBusy.QueueAsync(db, slot.ClinicianId, slot.Start - rules.BufferBefore, slot.Start + rules.Duration + rules.BufferAfter, ct);
        var check = await availability.CheckAsync(db, rules, slot.ClinicianId, slot.LocationId, slot.Start, ct);
        if (!check.Available)
        {
            return null;
        }
        var locationId = check.SessionLocationId ?? slot.LocationId;
        var timezone = locationId is null ? null
            : await db.SingleAsync<string?>($"SELECT timezone FROM locations WHERE id = @locationId AND {TenantSql.Filter}", new { locationId }, ct);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timezone ?? "UTC");
        var localDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(slot.Start, zone).DateTime);
        var candidates = await WaitlistStore.CandidatesAsync(db, slot with { LocationId = locationId }, localDate, Candidates, ct);
        if (candidates.Count == 0)
        {
            return null;
        }
        // The hold first (the entry refers to it), taken back if concurrent offers have won every candidate meanwhile.
        var hold = HoldsApi.NewHold(new SlotRequest(rules, slot.ClinicianId, locationId, slot.Start), locationId, now);
        await HoldStore.InsertAsync(db, hold, ct);
        foreach (var id in candidates)
        {
            if (await WaitlistStore.OfferAsync(db, id, hold.Id, hold.ExpiresAt, now, ct))
            {
                var offered = Attach(db.Tenant, (await WaitlistStore.FindAsync(db, id, ct))!);
                await outbox.RecordAsync(db, WebhookEventTypes.WaitlistOffered, offered, null, ct);
                return offered;
            }
        }
        await HoldStore.DiscardAsync(db, hold.Id, ct);
        return null;
    }

    /// <summary>
    /// Inside the routing of a removed block (<see cref="RoutingWorker"/>): offers the time it freed, as a cancellation's
    /// slot is offered. For each template a waiting entry of this clinician (or of any clinician) wants, the free slots
    /// that touch the freed time (buffers included: the block kept them all from being booked) are offered in order, each
    /// through <see cref="OfferAsync"/>, until that template's waiting entries all have an offer. Each offer's hold takes
    /// its time, so the slots after it that overlap it are not offered again.
    /// </summary>
    public async Task OfferFreedTimeAsync(TenantDb db, ClinicianBlock block, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var (templateId, waiting) in await WaitlistStore.WaitingTemplatesAsync(db, block.ClinicianProfileId, ct))
        {
            var usable = true;
            var (rules, _) = await availability.ResolveAsync(db, templateId, block.ClinicianProfileId, null, (_, _) => usable = false, ct);
            // Time beyond the template's advance limit cannot be offered yet (and a long leave would otherwise be read whole).
            var until = Min(block.EndTime, now + (rules?.MaxAdvance ?? TimeSpan.Zero) + (rules?.BufferBefore ?? TimeSpan.Zero));
            if (rules is null || !usable || until <= now || until <= block.StartTime)
            {
                continue;
            }
            var freed = new List<(DateTimeOffset Start, string LocationId)>();
            using (var slots = await availability.FindAsync(db, rules, DateOnly.FromDateTime(Max(block.StartTime, now).UtcDateTime).AddDays(-1),
                       DateOnly.FromDateTime(until.UtcDateTime).AddDays(1), block.ClinicianProfileId, null, ct))
            {
                for (var i = 0; i < slots.Count; i++)
                {
                    var slot = slots[i];
                    if (slot.AppointmentId is null && slot.StartTime - rules.BufferBefore < until
                        && slot.EndTime + rules.BufferAfter > block.StartTime)
                    {
                        freed.Add((slot.StartTime, slot.LocationId));
                    }
                }
            }
            var offers = 0;
            foreach (var (start, locationId) in freed)
            {
                if (await OfferAsync(db, new WaitlistStore.FreedSlot(templateId, block.ClinicianProfileId, locationId, start, null), ct) is not null
                    && ++offers == waiting)
                {
                    break;
                }
            }
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>
    /// One round of the expiry (<see cref="WaitlistWorker"/>): each offer past its expiry becomes <c>expired</c>, with a
    /// <c>waitlist.expired</c> event, and its slot is offered to the next entry, one transaction per offer (the conditional
    /// update lets only one process expire it). Returns how many were found.
    /// </summary>
    public async Task<int> ExpireAsync(CrossTenantDb db, int batchSize, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var lapsed = await WaitlistStore.LapsedAsync(db, now, batchSize, ct);
        foreach (var offer in lapsed)
        {
            await db.WriteAsync(async write =>
            {
                var tenantDb = write.ForTenant(new Tenant(offer.OrgId, offer.Mode));
                var entry = await WaitlistStore.FindAsync(tenantDb, offer.Id, ct);
                if (entry is null || !await WaitlistStore.MoveAsync(tenantDb, entry.Id, WaitlistStatuses.Offered, WaitlistStatuses.Expired, now, ct))
                {
                    return 0;
                }
                await outbox.RecordAsync(tenantDb, WebhookEventTypes.WaitlistExpired, entry with { Status = WaitlistStatuses.Expired, UpdatedAt = now }, entry, ct);
                var hold = (await HoldStore.FindAsync(tenantDb, entry.HoldId!, ct))!;
                await OfferAsync(tenantDb, new WaitlistStore.FreedSlot(hold.AppointmentTemplateId, hold.ClinicianProfileId, hold.LocationId, hold.StartTime, entry.PatientId), ct);
                return 1;
            }, ct);
        }
        return lapsed.Count;
    }
}
