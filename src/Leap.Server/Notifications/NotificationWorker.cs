using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Leap.Server.Accounts;
using Leap.Server.Appointments;
using Leap.Server.Http;
using Leap.Server.Storage;
using Leap.Server.Webhooks;
using MimeKit;

namespace Leap.Server.Notifications;

/// <summary>
/// Sends the planned messages when they fall due, in every server process: claims a batch (a lease, <c>SKIP LOCKED</c>
/// on PostgreSQL), looks at the appointment and the patient as they are now (a reminder of a cancelled or moved
/// appointment is skipped, so is a patient who wants no contact), waits out quiet hours, sends, and records the
/// outcome on the row, the appointment's notification history. A failed send is retried after
/// <see cref="NotificationOptions.RetryDelays"/>, then failed.
/// </summary>
public sealed class NotificationWorker(Database database, NotificationOptions options, EmailOptions email, IEmailTransport transport,
    IManageLinks links, WebhookOutbox outbox, NotificationWorkerSignal signal, RequestLoad load, TimeProvider clock, ILogger<NotificationWorker> logger) : BackgroundService
{
    private const int Parallelism = 4;
    private const int MaxErrorLength = 500;

    private readonly CrossTenantDb db = database.CrossTenant("notifications");
    private readonly ISmsSender? sms = ISmsSender.Create(options.Sms);
    private readonly SentRecords sent = new(database.CrossTenant("notifications"));

    /// <summary>Cut sends short: cancelled only when the host's shutdown timeout runs out.</summary>
    private readonly CancellationTokenSource abandon = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            logger.LogInformation("Notifications are off (Notifications:Enabled=false): messages are planned, not sent, by this process");
            return;
        }
        await WorkRounds.RunAsync("Notifications", RunOnceAsync, options.BatchSize, token => signal.WaitAsync(options.PollInterval, token),
            options.PollInterval, logger, stoppingToken);
    }

    /// <summary>
    /// One round: claims the due messages and handles each; returns how many were claimed. A message sent is recorded
    /// at once (with the others sent meanwhile, see <see cref="SentRecords"/>), so a crash can repeat as few sends as
    /// possible; what was decided without sending (skipped, waiting for quiet hours to end) is recorded for the whole
    /// round in one write, which on SQLite saves the single writer a commit per message.
    /// </summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await GiveWayAsync(ct);
        var now = clock.GetUtcNow();
        var claims = await Delivery.ClaimDueAsync(db, TypeHandlers.Truncate(now), TypeHandlers.Truncate(now + options.Lease), options.BatchSize, ct);
        var decided = new ConcurrentQueue<Func<CrossTenantDb, Task>>();
        await Parallel.ForEachAsync(claims, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = abandon.Token },
            async (claim, token) => await HandleAsync(claim, decided, token));
        if (!decided.IsEmpty)
        {
            await db.WriteAsync(async write =>
            {
                foreach (var record in decided)
                {
                    await record(write);
                }
                return 0;
            }, CancellationToken.None);
        }
        return claims.Count;
    }

    /// <summary>Waits while the process is saturated with requests, until the oldest message due is <see cref="NotificationOptions.GiveWayFor"/> late.</summary>
    private async Task GiveWayAsync(CancellationToken ct)
    {
        if (options.GiveWayAt == 0 || load.InFlight < options.GiveWayAt)
        {
            return;
        }
        var now = clock.GetUtcNow();
        if (await Delivery.OldestDueAsync(db, TypeHandlers.Truncate(now), ct) is { } oldest && now - oldest < options.GiveWayFor)
        {
            await load.GiveWayAsync(options.GiveWayAt, options.GiveWayFor - (now - oldest), ct);
        }
    }

    private async Task HandleAsync(Delivery.Claim claim, ConcurrentQueue<Func<CrossTenantDb, Task>> decided, CancellationToken ct)
    {
        var tenant = new Tenant(claim.OrgId, claim.Mode);
        var tenantDb = db.ForTenant(tenant);
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        try
        {
            var facts = await Delivery.FactsAsync(tenantDb, claim, ct);
            var outdated = facts is null ? SkipReasons.AppointmentCancelled : Outdated(claim, facts, now);
            if (facts is null || outdated is not null)
            {
                decided.Enqueue(write => Delivery.RecordAsync(write.ForTenant(tenant), claim, NotificationStatuses.Skipped, now, CancellationToken.None, skipReason: outdated));
                return;
            }
            if (claim.Channel == NotificationChannels.Webhook)
            {
                await RaiseReminderDueAsync(tenant, claim, now, ct);
                return;
            }
            if (await RefusedAsync(tenantDb, claim, facts, ct) is { } refused)
            {
                decided.Enqueue(write => Delivery.RecordAsync(write.ForTenant(tenant), claim, NotificationStatuses.Skipped, now, CancellationToken.None, skipReason: refused));
                return;
            }
            var zone = TimeZoneInfo.FindSystemTimeZoneById(facts.Timezone ?? options.DefaultTimeZone);
            if (facts.QuietHours?.Release(now, zone) is { } release && release > now)
            {
                // Quiet hours: the message waits for their end (not an attempt), unless a reminder would then come too late.
                var late = claim.Trigger == NotificationTriggers.Reminder && release >= facts.StartTime;
                decided.Enqueue(write => Delivery.RecordAsync(write.ForTenant(tenant), claim, late ? NotificationStatuses.Skipped : NotificationStatuses.Pending, now,
                    CancellationToken.None, skipReason: late ? SkipReasons.TooLate : null, nextAttemptAt: late ? null : release, uncount: true));
                return;
            }
            var template = facts.Template(claim);
            var message = Facts(claim, facts, zone);
            var providerId = claim.Channel == NotificationChannels.Sms
                ? await sms!.SendAsync(facts.Phone!, MessageTemplates.Render(template.Text, message), claim.Id, ct)
                : await transport.SendAsync(await EmailAsync(tenantDb, claim, facts, template, message, now, ct), ct);
            await sent.RecordAsync(claim, providerId, TypeHandlers.Truncate(clock.GetUtcNow()));
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            var retry = claim.Attempts <= options.RetryDelays.Count;
            DateTimeOffset? next = retry ? TypeHandlers.Truncate(now + options.RetryDelays[claim.Attempts - 1]) : null;
            // The log names the message, never the patient or the text (an SMTP error can quote the address).
            logger.LogWarning("Notification {NotificationId} ({Trigger}, {Channel}) attempt {Attempt} failed with {Error}; {Outcome}",
                claim.Id, claim.Trigger, claim.Channel, claim.Attempts, e.GetType().Name, retry ? $"retry at {next:O}" : "giving up");
            var error = e.Message.Length > MaxErrorLength ? e.Message[..MaxErrorLength] : e.Message;
            await Delivery.RecordAsync(tenantDb, claim, retry ? NotificationStatuses.Pending : NotificationStatuses.Failed, now, CancellationToken.None,
                error: error, nextAttemptAt: next);
        }
    }

    /// <summary>Why the appointment, as it is now, no longer wants this message; null when it still does.</summary>
    public static string? Outdated(Delivery.Claim claim, Delivery.Facts facts, DateTimeOffset now)
    {
        switch (claim.Trigger)
        {
            case NotificationTriggers.Booked or NotificationTriggers.Rescheduled or NotificationTriggers.Reminder:
                if (facts.Status == AppointmentStatuses.Cancelled)
                {
                    return SkipReasons.AppointmentCancelled;
                }
                if (!AppointmentStatuses.IsActive(facts.Status))
                {
                    return SkipReasons.AppointmentFinished;
                }
                if (claim.Trigger != NotificationTriggers.Booked && facts.StartTime != claim.AppointmentStart)
                {
                    return SkipReasons.AppointmentMoved;
                }
                return claim.Trigger == NotificationTriggers.Reminder && now >= facts.StartTime ? SkipReasons.TooLate : null;
            case NotificationTriggers.FollowUp:
                return facts.Status == AppointmentStatuses.Completed ? null : SkipReasons.AppointmentFinished;
            default:
                return null;
        }
    }

    /// <summary>Why the patient must not get this message on this channel (no contact, no consent, no address, another channel preferred).</summary>
    private async Task<string?> RefusedAsync(TenantDb tenantDb, Delivery.Claim claim, Delivery.Facts f, CancellationToken ct)
    {
        if (f.PreferredContactMethod == "none")
        {
            return SkipReasons.NoContact;
        }
        var (consented, address) = Reach(f, claim.Channel);
        if (claim.Channel == NotificationChannels.Sms && sms is null)
        {
            return SkipReasons.SmsOff;
        }
        if (!consented)
        {
            return SkipReasons.NoConsent;
        }
        if (address is null)
        {
            return SkipReasons.NoAddress;
        }
        // A patient who prefers the other channel gets the message there alone, when it is planned there and can reach them.
        if (f.PreferredContactMethod is { } preferred && preferred != claim.Channel && NotificationChannels.Messages.Contains(preferred)
            && (preferred != NotificationChannels.Sms || sms is not null) && Reach(f, preferred) is (true, not null)
            && await Delivery.AlsoPlannedOnAsync(tenantDb, claim, preferred, ct))
        {
            return SkipReasons.OtherChannelPreferred;
        }
        return null;
    }

    private static (bool Consented, string? Address) Reach(Delivery.Facts f, string channel) => channel == NotificationChannels.Sms
        ? (f.ConsentElectronicCommunication && f.ConsentSms, f.Phone)
        : (f.ConsentElectronicCommunication && f.ConsentEmail, f.Email);

    private MessageFacts Facts(Delivery.Claim claim, Delivery.Facts f, TimeZoneInfo zone) => new()
    {
        PatientFirstName = f.PatientPreferredName ?? f.PatientFirstName,
        Service = f.Service ?? f.Title,
        Clinician = f.Clinician,
        Location = f.Location,
        LocationAddress = f.Address,
        LocationPhone = f.LocationPhone,
        // The invariant culture's day and month names are English (the server runs without culture data).
        StartTime = TimeZoneInfo.ConvertTime(f.StartTime, zone).ToString("dddd d MMMM yyyy 'at' HH:mm", CultureInfo.InvariantCulture),
        TimeZone = zone.Id,
        // A participant's message has no link: the manage link moves or cancels the whole session, the booking patient's to use.
        ManageUrl = f.Status == AppointmentStatuses.Cancelled || !f.IsBookingPatient ? null : links.UrlFor(claim.OrgId, claim.Mode, claim.AppointmentId, f.PatientId),
        Organisation = f.Organisation,
    };

    private async Task<MimeMessage> EmailAsync(TenantDb tenantDb, Delivery.Claim claim, Delivery.Facts f, MessageTemplate template, MessageFacts facts,
        DateTimeOffset now, CancellationToken ct)
    {
        var from = MailboxAddress.Parse(email.From);
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(new MailboxAddress(f.AttendeeName ?? facts.PatientFirstName, f.Email!));
        message.Subject = MessageTemplates.Render(template.Subject ?? "", facts);
        // The same Message-Id on every attempt: a message sent again after a crash is recognisably the same one.
        message.MessageId = $"{claim.Id}@{from.Domain}";
        message.Headers.Add("X-Leap-Notification", claim.Id);
        message.Headers.Add("X-Leap-Trigger", claim.Trigger);
        var text = MessageTemplates.Render(template.Text, facts);
        var body = new BodyBuilder
        {
            TextBody = text,
            HtmlBody = template.Html is null ? MessageTemplates.HtmlFromText(text) : MessageTemplates.Render(template.Html, facts, html: true),
        };
        if (claim.Trigger is NotificationTriggers.Booked or NotificationTriggers.Rescheduled or NotificationTriggers.Cancelled)
        {
            var cancel = claim.Trigger == NotificationTriggers.Cancelled;
            var invite = CalendarInvite.Create(new CalendarInvite.Details(
                claim.AppointmentId, await Delivery.CalendarSequenceAsync(tenantDb, claim, ct), f.StartTime, f.EndTime,
                $"{facts.Service} ({f.Organisation})", string.Join(", ", new[] { f.Location, f.Address }.Where(s => s is not null)) is { Length: > 0 } where ? where : f.MeetingUrl,
                f.Clinician is null ? null : $"With {f.Clinician}", f.Organisation, f.LocationEmail ?? from.Address, f.AttendeeName ?? facts.PatientFirstName,
                f.Email!, now), cancel);
            var attachment = body.Attachments.Add("invite.ics", Encoding.UTF8.GetBytes(invite), new ContentType("text", "calendar"));
            attachment.ContentType.Parameters.Add("method", cancel ? CalendarInvite.Cancel : CalendarInvite.Request);
            attachment.ContentType.Charset = "utf-8";
        }
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>
    /// The <c>appointment.reminder_due</c> event, recorded in the transaction that marks the row sent: the clinic's
    /// own system gets it once.
    /// </summary>
    private Task RaiseReminderDueAsync(Tenant tenant, Delivery.Claim claim, DateTimeOffset now, CancellationToken ct) =>
        db.WriteAsync(async write =>
        {
            var tenantDb = write.ForTenant(tenant);
            var appointment = await AppointmentStore.FindAsync(tenantDb, claim.AppointmentId, ct)
                ?? throw new InvalidOperationException($"Appointment {claim.AppointmentId} is gone.");
            var due = new ReminderDue
            {
                Id = claim.Id, AppointmentId = claim.AppointmentId, MinutesBefore = claim.MinutesBefore ?? 0, DueAt = claim.DueAt, Appointment = appointment,
            };
            await outbox.RecordAsync(tenantDb, WebhookEventTypes.AppointmentReminderDue, due, null, ct);
            if (!await Delivery.RecordAsync(tenantDb, claim, NotificationStatuses.Sent, now, ct))
            {
                throw new InvalidOperationException($"The claim on notification {claim.Id} ran out before the event was recorded.");
            }
            return 0;
        }, ct);

    /// <summary>
    /// Records sent messages in group commits: a send that completes while another's record is being written waits
    /// for that write to end, and the next write records every send waiting by then. Each record is still written as
    /// soon as the database can take it (a crash repeats only sends of the last few milliseconds), but a burst of
    /// confirmations costs a commit per group rather than one per message (on PostgreSQL a durable commit each).
    /// </summary>
    private sealed class SentRecords(CrossTenantDb db)
    {
        private sealed record Sent(Delivery.Claim Claim, string ProviderId, DateTimeOffset At)
        {
            public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        private readonly ConcurrentQueue<Sent> waiting = new();
        private readonly SemaphoreSlim writer = new(1, 1);

        public async Task RecordAsync(Delivery.Claim claim, string providerId, DateTimeOffset at)
        {
            var record = new Sent(claim, providerId, at);
            waiting.Enqueue(record);
            await writer.WaitAsync(CancellationToken.None);
            try
            {
                if (!record.Written.Task.IsCompleted)
                {
                    await WriteWaitingAsync();
                }
            }
            finally
            {
                writer.Release();
            }
            await record.Written.Task;
        }

        private async Task WriteWaitingAsync()
        {
            var group = new List<Sent>();
            while (waiting.TryDequeue(out var next))
            {
                group.Add(next);
            }
            try
            {
                await db.WriteAsync(async write =>
                {
                    foreach (var s in group)
                    {
                        await Delivery.RecordAsync(write.ForTenant(new Tenant(s.Claim.OrgId, s.Claim.Mode)), s.Claim, NotificationStatuses.Sent, s.At,
                            CancellationToken.None, providerId: s.ProviderId);
                    }
                    return 0;
                }, CancellationToken.None);
                group.ForEach(s => s.Written.SetResult());
            }
            catch (Exception e)
            {
                group.ForEach(s => s.Written.SetException(e));
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await using var timedOut = cancellationToken.Register(abandon.Cancel);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        abandon.Dispose();
        base.Dispose();
    }
}
