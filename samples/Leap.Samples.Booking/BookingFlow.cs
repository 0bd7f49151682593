using System.Globalization;
using Leap.Client;

namespace Leap.Samples.Booking;

/// <summary>Who to book, for what and from when.</summary>
public sealed record BookingRequest
{
    /// <summary>The patient: looked up by name and date of birth, created from these details if not found.</summary>
    public required PatientCreate Patient { get; init; }

    /// <summary>Part of the service's name; the first active template when null.</summary>
    public string? Template { get; init; }

    /// <summary>The first day to look for a slot.</summary>
    public required DateOnly From { get; init; }

    /// <summary>
    /// The booking attempt's Idempotency-Key. A real booking form creates it once, with the form, so that a
    /// double submission or a retry after a lost answer returns the same appointment.
    /// </summary>
    public string IdempotencyKey { get; init; } = Guid.NewGuid().ToString();
}

public sealed record BookingResult(
    AppointmentTemplate Template, Patient Patient, bool PatientCreated, IReadOnlyList<AvailabilitySlot> Slots,
    Appointment Appointment, Appointment Resubmitted);

/// <summary>
/// The flow of Jump's "Creating Appointments" guide, with the SDK: list active templates, find or create the
/// patient, show free slots, book with an Idempotency-Key.
/// </summary>
public sealed class BookingFlow(LeapClient leap, TextWriter output)
{
    private const int SlotsShown = 5;

    public async Task<BookingResult> RunAsync(BookingRequest request, CancellationToken ct = default)
    {
        var template = await ChooseTemplateAsync(request.Template, ct);
        var (patient, created) = await FindOrCreatePatientAsync(request.Patient, ct);
        var slots = await FindFreeSlotsAsync(template, request.From, ct);
        var (appointment, resubmitted) = await BookAsync(template, patient, slots, request.IdempotencyKey, ct);
        return new BookingResult(template, patient, created, slots, appointment, resubmitted);
    }

    // ── Step 1: list active appointment templates ─────────────────────────────────────────────
    private async Task<AppointmentTemplate> ChooseTemplateAsync(string? wanted, CancellationToken ct)
    {
        output.WriteLine("1. Active services:");
        var templates = new List<AppointmentTemplate>();
        await foreach (var template in leap.AppointmentTemplates.ListAllAsync(new() { IsActive = true }, ct))
        {
            templates.Add(template);
            output.WriteLine($"   - {template.Name} ({template.Duration} min, {Price(template)})");
        }
        var chosen = wanted is null
            ? templates.FirstOrDefault()
            : templates.FirstOrDefault(t => t.Name.Contains(wanted, StringComparison.OrdinalIgnoreCase));
        if (chosen is null)
        {
            throw new InvalidOperationException(wanted is null ? "There are no active services to book." : $"No active service matches '{wanted}'.");
        }
        output.WriteLine($"   Booking: {chosen.Name}");
        return chosen;
    }

    // ── Step 2: find the patient, or create them ──────────────────────────────────────────────
    private async Task<(Patient, bool Created)> FindOrCreatePatientAsync(PatientCreate wanted, CancellationToken ct)
    {
        var matches = await leap.Patients.ListAsync(new() { Search = $"{wanted.FirstName} {wanted.LastName}", Limit = 5 }, ct);
        var existing = matches.Data.FirstOrDefault(p => p.DateOfBirth == wanted.DateOfBirth && p.ArchivedAt is null
            && string.Equals(p.FirstName, wanted.FirstName, StringComparison.OrdinalIgnoreCase)
            && string.Equals(p.LastName, wanted.LastName, StringComparison.OrdinalIgnoreCase));
        if (existing is not null)
        {
            output.WriteLine($"2. Found {existing.FirstName} {existing.LastName} ({existing.Id}).");
            return (existing, false);
        }
        var patient = await leap.Patients.CreateAsync(wanted, ct: ct);
        output.WriteLine($"2. Created {patient.FirstName} {patient.LastName} ({patient.Id}).");
        return (patient, true);
    }

    // ── Step 3: show free slots ───────────────────────────────────────────────────────────────
    private async Task<IReadOnlyList<AvailabilitySlot>> FindFreeSlotsAsync(AppointmentTemplate template, DateOnly from, CancellationToken ct)
    {
        output.WriteLine("3. Free slots:");
        var found = await leap.Availability.GetAsync(new AvailabilityQuery
        {
            AppointmentTemplateId = template.Id,
            DateFrom = from,
            DateTo = from.AddDays(6),
        }, ct);
        var slots = found.Slots.Take(SlotsShown).ToList();
        if (slots.Count == 0)
        {
            throw new InvalidOperationException($"No free slot from {from:yyyy-MM-dd} to {from.AddDays(6):yyyy-MM-dd} for {template.Name}.");
        }
        foreach (var slot in slots)
        {
            output.WriteLine($"   - {slot.StartTime:yyyy-MM-dd HH:mm} to {slot.EndTime:HH:mm} UTC with {slot.ClinicianName}");
        }
        return slots;
    }

    // ── Step 4: book, with an Idempotency-Key ─────────────────────────────────────────────────
    private async Task<(Appointment, Appointment Resubmitted)> BookAsync(
        AppointmentTemplate template, Patient patient, IReadOnlyList<AvailabilitySlot> slots, string idempotencyKey, CancellationToken ct)
    {
        foreach (var slot in slots)
        {
            var booking = new AppointmentCreate
            {
                PatientId = patient.Id,
                AppointmentTypeId = template.Id,
                Title = template.Name,
                StartTime = slot.StartTime,
                EndTime = slot.EndTime,
                ClinicianProfileId = slot.ClinicianProfileId,
                LocationId = slot.LocationId,
            };
            Appointment appointment;
            try
            {
                appointment = await leap.Appointments.CreateAsync(booking, idempotencyKey, ct);
            }
            catch (LeapSlotUnavailableException e)
            {
                output.WriteLine($"4. {slot.StartTime:HH:mm} was taken meanwhile ({e.Message}); trying the next slot.");
                // Another slot is another request, so it gets a key of its own.
                idempotencyKey = Guid.NewGuid().ToString();
                continue;
            }
            output.WriteLine($"4. Booked {appointment.Id}: {appointment.Title}, {appointment.StartTime:yyyy-MM-dd HH:mm} UTC, {appointment.Status}.");

            // What a double-clicked "Book" button or a retry after a lost answer does: the same request with the
            // same key. The server answers with the appointment it already made instead of booking twice.
            var again = await leap.Appointments.CreateAsync(booking, idempotencyKey, ct);
            output.WriteLine($"   Sent again with the same Idempotency-Key: got {again.Id} back, {(again.Id == appointment.Id ? "no second booking" : "A SECOND BOOKING")}.");
            return (appointment, again);
        }
        throw new InvalidOperationException("Every slot shown was taken meanwhile; search again.");
    }

    private static string Price(AppointmentTemplate template) =>
        template.Price == 0 ? "free" : (template.Price / 100m).ToString("£0.00", CultureInfo.InvariantCulture);
}
