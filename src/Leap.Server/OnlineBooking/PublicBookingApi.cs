using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leap.Server.Appointments;
using Leap.Server.AppointmentTemplates;
using Leap.Server.Availability;
using Leap.Server.Holds;
using Leap.Server.Http;
using Leap.Server.Participants;
using Leap.Server.Notifications;
using Leap.Server.Organisations;
using Leap.Server.Patients;
using Leap.Server.Storage;
using Leap.Server.Webhooks;
using MimeKit;

namespace Leap.Server.OnlineBooking;

/// <summary>
/// The public booking page's API, <c>/public/{slug}</c> (docs/online-booking.md): no key; the organisation's public
/// settings switch it on. Services and clinicians offered online, their free slots (the same engine), a hold on the
/// chosen slot while the patient fills in the form, then a booking request whose 6-digit code is emailed to the
/// patient; the code books the held slot. The patient is matched on email and date of birth, and no answer says
/// whether a record existed.
/// </summary>
public static class PublicBookingApi
{
    public const string BookingSource = "online";

    /// <summary>The form field a person never sees (hidden by the page) and a form-filling robot fills in.</summary>
    public const string Honeypot = "website";

    private static readonly string[] PatientFields = ["first_name", "last_name", "date_of_birth", "email", "phone"];

    public static void MapPublicBooking(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/public/{slug}").WithTags("Online booking").OnBookingPage();
        group.MapGet("/", Clinic);
        group.MapGet("/availability", AvailabilityApi.Find);
        group.MapPost("/holds", HoldsApi.Create).Idempotent()
            .Reads("PublicHoldCreate", AvailabilityValidation.DescribeSlot, AvailabilityApi.SlotExample);
        group.MapDelete("/holds/{id}", HoldsApi.Release);
        group.MapPost("/booking-requests", Request).Idempotent()
            .Reads("BookingRequestCreate", r => ReadRequest(r, Sample.Now), """
                {"hold_id": "hold_0190a1b2c3d4e5f6a7b8c9d0e1f2a3b4", "first_name": "Ada", "last_name": "Example", "date_of_birth": "1985-04-12",
                 "email": "ada.example@example.com", "phone": "07700 900123", "website": ""}
                """);
        group.MapPost("/booking-requests/{id}/confirm", Confirm).Idempotent()
            .Reads("BookingRequestConfirm", r => r.String("code", 20, required: true), """{"code": "123456"}""");
    }

    private static async Task<ApiData<PublicClinic>> Clinic(TenantDb db, CancellationToken ct)
    {
        var settings = await OrganisationStore.FindAsync(db, ct);
        var services = await db.ListAsync<PublicService>(
            $"SELECT id, name, description, duration, price FROM appointment_templates WHERE {TenantSql.Filter} AND is_active AND allow_online_booking ORDER BY name, id",
            null, ct);
        var clinicians = await db.ListAsync<PublicClinician>(
            $"SELECT id, COALESCE(display_name, name) AS name FROM clinician_profiles WHERE {TenantSql.Filter} AND is_active AND is_bookable_online ORDER BY name, id",
            null, ct);
        var locations = await db.ListAsync<PublicLocation>(
            $"SELECT id, name, timezone FROM locations WHERE {TenantSql.Filter} AND is_active ORDER BY is_primary DESC, name, id", null, ct);
        return Api.Ok(new PublicClinic(settings.DisplayName, settings.Phone, services, clinicians, locations));
    }

    /// <summary>A booking request's body: the held slot, the patient's details (email required), and the honeypot.</summary>
    private static (string? HoldId, Patient Patient, string? Honeypot) ReadRequest(BodyReader r, DateTimeOffset now)
    {
        var holdId = r.Id("hold_id", Ids.Hold, required: true);
        var (patient, _) = PatientValidation.ReadCreate(r, Ids.Patient + "new", "online booking", now);
        if (patient.Email is null && !r.Failed("email"))
        {
            r.Fail("email", "is required: the code that confirms the booking is sent there");
        }
        return (holdId, patient, r.String(Honeypot, 500));
    }

    /// <summary>
    /// Emails a code for the held slot and records the request (201 with its id). Answered the same whoever the
    /// details match, and also when the honeypot is filled in, though then nothing is recorded or sent.
    /// </summary>
    private static async Task<ApiCreated<BookingRequestAnswer>> Request(HttpContext http, WriteRequest request, PatientAccess access,
        IEmailTransport email, TimeProvider clock, ILogger<BookingRequest> logger, CancellationToken ct)
    {
        var db = request.Db;
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var reader = request.Reader();
        var (holdId, patient, honeypot) = ReadRequest(reader, now);
        reader.ThrowIfInvalid();
        var id = Ids.New(BookingRequest.Prefix);
        if (!string.IsNullOrEmpty(honeypot))
        {
            logger.LogInformation("A booking request filled in the honeypot field: answered as usual, nothing recorded or sent");
            return await request.CreateAsync(new BookingRequestAnswer(id, now + HoldStatuses.Lifetime), _ => Task.CompletedTask, ct);
        }
        await access.CountCodeAsync(http);
        var hold = (await HoldStore.FindAsync(db, holdId!, ct) ?? throw ApiException.NotFound("hold", holdId!)).At(now);
        if (hold.Status != HoldStatuses.Active)
        {
            throw HoldGone();
        }
        var details = new JsonObject();
        foreach (var field in PatientFields.Where(f => request.Body.Root.TryGetProperty(f, out _)))
        {
            details[field] = JsonNode.Parse(request.Body.Root.GetProperty(field).GetRawText());
        }
        var code = BookingRequest.NewCode();
        var pending = new BookingRequest
        {
            Id = id, HoldId = hold.Id, Details = details.ToJsonString(), CodeHash = BookingRequest.Hash(id, code), Status = BookingRequest.Pending,
            CreatedAt = now, ExpiresAt = hold.ExpiresAt,
        };
        // Sent before the request is recorded: a failed send records nothing (the patient tries again), while a code
        // sent for a request that then failed to record is merely useless.
        var clinic = await OrganisationStore.FindAsync(db, ct);
        await SendCodeAsync(email, clinic, patient, code, pending.ExpiresAt, ct);
        return await request.CreateAsync(new BookingRequestAnswer(id, pending.ExpiresAt), write => BookingRequestStore.InsertAsync(write, pending, ct), ct);
    }

    private static async Task SendCodeAsync(IEmailTransport email, OrganisationSettings clinic, Patient patient, string code, DateTimeOffset expires,
        CancellationToken ct)
    {
        var message = new MimeMessage { Subject = $"Your booking code for {clinic.DisplayName}" };
        message.To.Add(new MailboxAddress($"{patient.FirstName} {patient.LastName}", patient.Email!));
        message.Body = new TextPart("plain")
        {
            Text = $"""
                Hello {patient.FirstName},

                Your code to confirm your booking with {clinic.DisplayName} is:

                    {code}

                Enter it on the booking page before {expires.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture)} UTC, when the time we are holding for you is released.
                If you did not ask to book, ignore this email: nothing is booked without the code.
                """,
        };
        try
        {
            await email.SendAsync(message, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ApiException(503, ErrorCodes.ServiceUnavailable, "The code could not be emailed just now. Please try again in a minute.")
            {
                RetryAfter = TimeSpan.FromMinutes(1),
            };
        }
    }

    /// <summary>
    /// Checks the code and books the held slot for the patient with that email and date of birth (a new patient when
    /// there is none), by the patient; 201 with the appointment as the patient sees it, manage link included.
    /// </summary>
    private static async Task<ApiCreated<ManagedAppointment>> Confirm(string id, WriteRequest request, AppointmentEvents events, WebhookOutbox outbox,
        ManageLinks links, TimeProvider clock, CancellationToken ct)
    {
        var db = request.Db;
        var reader = request.Reader();
        var code = reader.String("code", 20, required: true);
        reader.ThrowIfInvalid();
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var pending = await BookingRequestStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("booking request", id);
        if (pending.Status != BookingRequest.Pending || pending.ExpiresAt <= now)
        {
            throw new ApiException(409, ErrorCodes.InvalidState,
                "This booking request has expired or was already used (or too many wrong codes were tried). Choose a time and start again.");
        }
        if (!pending.Matches(code!))
        {
            var failed = await BookingRequestStore.CountFailureAsync(db, id, ct);
            var left = BookingRequest.MaxFailedAttempts - failed;
            throw ApiException.Validation([new FieldError("code", left > 0
                ? $"is not the code we emailed ({left} {(left == 1 ? "try" : "tries")} left)"
                : "is not the code we emailed, and no tries are left: choose a time and start again")]);
        }
        var hold = (await HoldStore.FindAsync(db, pending.HoldId, ct))?.At(now);
        if (hold?.Status != HoldStatuses.Active)
        {
            throw HoldGone();
        }
        using var details = JsonDocument.Parse(pending.Details);
        var patientReader = new BodyReader(details.RootElement);
        var (patient, _) = PatientValidation.ReadCreate(patientReader, Ids.New(Ids.Patient), "online booking", now);
        patientReader.ThrowIfInvalid();
        var existing = await db.SingleAsync<string>(
            $"""
            SELECT id FROM patients WHERE {TenantSql.Filter} AND lower(email) = @email AND date_of_birth = @DateOfBirth AND archived_at IS NULL
            ORDER BY created_at, id LIMIT 1
            """, new { email = patient.Email!.ToLowerInvariant(), patient.DateOfBirth }, ct);
        var patientId = existing ?? patient.Id;
        var template = await AppointmentTemplateStore.FindAsync(db, hold.AppointmentTemplateId, ct);
        var appointment = GroupSessions.Booked(new Appointment
        {
            Id = Ids.New(Ids.Appointment), PatientId = patientId, ClinicianProfileId = hold.ClinicianProfileId, Title = template?.Name ?? "Appointment",
            StartTime = hold.StartTime, EndTime = hold.EndTime, DurationMinutes = (int)(hold.EndTime - hold.StartTime).TotalMinutes,
            Status = AppointmentStatuses.Confirmed, AppointmentTypeId = hold.AppointmentTemplateId, LocationId = hold.LocationId,
            BufferBeforeMinutes = hold.BufferBeforeMinutes, BufferAfterMinutes = hold.BufferAfterMinutes,
            AttendeeName = $"{patient.FirstName} {patient.LastName}", AttendeeEmail = patient.Email, AttendeePhone = patient.Phone,
            BookingSource = BookingSource, CreatedAt = now, UpdatedAt = now,
        }, template?.MaxParticipants);
        // The patient makes the booking: once known, they are the actor of its webhook events and routing.
        var asPatient = request.By(Accounts.Actor.Patient(patientId));
        return await asPatient.CreateAsync(async write =>
        {
            if (!await BookingRequestStore.ConfirmAsync(write, id, appointment.Id, ct))
            {
                throw new ApiException(409, ErrorCodes.InvalidState, "This booking request was already used.");
            }
            if (existing is null)
            {
                await PatientsApi.InsertAsync(write, patient, force: true, outbox, ct);
            }
            await HoldsApi.BookHeldAsync(write, events, hold, appointment, now, ct);
            return await ManagedAppointment.OfAsync(write, appointment, links, now, ct);
        }, ct);
    }

    private static ApiException HoldGone() => new(409, ErrorCodes.InvalidState,
        "The time held for you has been released (holds last 15 minutes). Choose a time again.");
}
