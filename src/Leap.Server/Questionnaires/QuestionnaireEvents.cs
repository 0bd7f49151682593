using System.Text.Json.Nodes;
using Leap.Server.Episodes;
using Leap.Server.Pathways;
using Leap.Server.Storage;
using Leap.Server.Webhooks;

namespace Leap.Server.Questionnaires;

/// <summary>
/// The one way questionnaire responses are written, as <see cref="Appointments.AppointmentEvents"/> is for
/// appointments: each write queues its routing (<see cref="RoutingQueue"/>), and <see cref="RouteAsync"/> later
/// raises the "questionnaire submitted" trigger for a new response about a patient (the response then records the
/// episode) and records the webhook event, after the commit, once.
/// </summary>
public sealed class QuestionnaireEvents(PathwayEngine pathways, WebhookOutbox outbox, RoutingQueue queue)
{
    /// <summary>Webhook payloads leave the answers out: receivers fetch them with the response.</summary>
    private static readonly Func<JsonObject, JsonObject> WithoutAnswers = WebhookOutbox.Without("responses");

    public async Task CreateAsync(TenantDb db, QuestionnaireResponse response, CancellationToken ct)
    {
        await QuestionnaireStore.InsertResponseAsync(db, response, ct);
        await queue.EnqueueAsync(db, RoutingQueue.QuestionnaireResponse, response.Id, response.PatientId,
            WebhookEventTypes.QuestionnaireResponseCreated, response, null, ct);
    }

    public async Task ChangeAsync(TenantDb db, QuestionnaireResponse before, QuestionnaireResponse after, CancellationToken ct)
    {
        await QuestionnaireStore.UpdateResponseAsync(db, after, ct);
        await queue.EnqueueAsync(db, RoutingQueue.QuestionnaireResponse, after.Id, after.PatientId,
            WebhookEventTypes.QuestionnaireResponseUpdated, after, before, ct);
    }

    /// <summary>Routes a queued change (inside the routing worker's transaction); see <see cref="Appointments.AppointmentEvents.RouteAsync"/>.</summary>
    public async Task RouteAsync(TenantDb db, RoutingQueue.Entry entry, CancellationToken ct)
    {
        var after = queue.Read<QuestionnaireResponse>(entry.AfterJson);
        var before = entry.BeforeJson is null ? null : queue.Read<QuestionnaireResponse>(entry.BeforeJson);
        var filed = await QuestionnaireStore.EpisodeOfAsync(db, after.Id, ct);
        var episodeId = filed;
        // A PATCH does not raise the trigger again; a response without a patient has no one to file it for.
        if (entry.Change == WebhookEventTypes.QuestionnaireResponseCreated && after.PatientId is { } patientId
            && await QuestionnaireStore.FindTemplateAsync(db, after.QuestionnaireId, ct) is { } template)
        {
            episodeId = await pathways.RaiseAsync(db, new PathwayEngine.Trigger
            {
                Type = PathwayValues.QuestionnaireSubmitted,
                PatientId = patientId,
                EpisodeId = filed,
                Facts = new TriggerFacts { QuestionnaireId = template.Id, QuestionnaireKey = template.Key, IsPreBooking = after.IsPreBooking },
                EventType = EpisodeEventTypes.QuestionnaireResponse,
                EventTitle = $"Questionnaire submitted: {template.Title}",
                RelatedObjectType = "questionnaire_response",
                RelatedObjectId = after.Id,
                EpisodeTitle = $"Questionnaire: {template.Title}",
            }, after.UpdatedAt, ct) ?? filed;
            if (episodeId != filed)
            {
                await QuestionnaireStore.FileAsync(db, after.Id, episodeId!, ct);
            }
        }
        var previous = before is null ? null : before with { EpisodeId = before.EpisodeId != after.EpisodeId ? before.EpisodeId : filed };
        await outbox.RecordAsync(db, entry.Change, after with { EpisodeId = episodeId }, previous, ct, WithoutAnswers);
    }
}
