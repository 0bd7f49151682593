using Leap.Server.Http;
using Leap.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Client.Tests;

/// <summary>
/// Keeps the SDK complete: every endpoint in the server's route table must be listed here with the SDK method
/// that calls it, and that method must exist. A new endpoint fails this test until the SDK covers it.
/// </summary>
public sealed class SdkCoverageTests(SqliteServer server)
{
    private static readonly Dictionary<string, string> SdkMethodFor = new(StringComparer.Ordinal)
    {
        ["GET /patients/"] = "Patients.ListAsync",
        ["POST /patients/"] = "Patients.CreateAsync",
        ["GET /patients/{id}"] = "Patients.GetAsync",
        ["PATCH /patients/{id}"] = "Patients.UpdateAsync",
        ["PUT /patients/external/{externalId}"] = "Patients.UpsertByExternalIdAsync",
        ["GET /appointment-templates/"] = "AppointmentTemplates.ListAsync",
        ["POST /appointment-templates/"] = "AppointmentTemplates.CreateAsync",
        ["GET /appointment-templates/{id}"] = "AppointmentTemplates.GetAsync",
        ["PATCH /appointment-templates/{id}"] = "AppointmentTemplates.UpdateAsync",
        ["GET /appointments/"] = "Appointments.ListAsync",
        ["POST /appointments/"] = "Appointments.CreateAsync",
        ["GET /appointments/{id}"] = "Appointments.GetAsync",
        ["PATCH /appointments/{id}"] = "Appointments.UpdateAsync",
        ["POST /appointments/{id}/cancel"] = "Appointments.CancelAsync",
        ["POST /appointments/{id}/complete"] = "Appointments.CompleteAsync",
        ["POST /appointments/{id}/no-show"] = "Appointments.MarkNoShowAsync",
        ["GET /appointments/{id}/notifications"] = "Appointments.ListNotificationsAsync",
        ["GET /appointments/{id}/participants"] = "Appointments.ListParticipantsAsync",
        ["POST /appointments/{id}/participants"] = "Appointments.AddParticipantAsync",
        ["DELETE /appointments/{id}/participants/{patientId}"] = "Appointments.RemoveParticipantAsync",
        ["GET /notification-settings/"] = "Notifications.GetSettingsAsync",
        ["PATCH /notification-settings/"] = "Notifications.UpdateSettingsAsync",
        ["GET /message-templates/"] = "Notifications.ListMessageTemplatesAsync",
        ["GET /message-templates/{trigger}/{channel}"] = "Notifications.GetMessageTemplateAsync",
        ["PATCH /message-templates/{trigger}/{channel}"] = "Notifications.UpdateMessageTemplateAsync",
        ["DELETE /message-templates/{trigger}/{channel}"] = "Notifications.ResetMessageTemplateAsync",
        ["GET /availability/"] = "Availability.GetAsync",
        ["GET /availability/next"] = "Availability.NextAsync",
        ["POST /availability/verify"] = "Availability.VerifyAsync",
        ["GET /clinician-profiles/"] = "ClinicianProfiles.ListAsync",
        ["GET /clinician-profiles/{id}"] = "ClinicianProfiles.GetAsync",
        ["GET /clinician-profiles/{id}/sessions"] = "ClinicianProfiles.ListSessionsAsync",
        ["GET /clinician-profiles/{id}/blocks"] = "ClinicianProfiles.ListBlocksAsync",
        ["POST /clinician-profiles/"] = "ClinicianProfiles.CreateAsync",
        ["PATCH /clinician-profiles/{id}"] = "ClinicianProfiles.UpdateAsync",
        ["POST /clinician-profiles/{id}/sessions"] = "ClinicianProfiles.AddSessionAsync",
        ["PATCH /clinician-profiles/{id}/sessions/{sessionId}"] = "ClinicianProfiles.UpdateSessionAsync",
        ["DELETE /clinician-profiles/{id}/sessions/{sessionId}"] = "ClinicianProfiles.RemoveSessionAsync",
        ["POST /clinician-profiles/{id}/blocks"] = "ClinicianProfiles.AddBlockAsync",
        ["DELETE /clinician-profiles/{id}/blocks/{blockId}"] = "ClinicianProfiles.RemoveBlockAsync",
        ["GET /locations/"] = "Locations.ListAsync",
        ["GET /locations/{id}"] = "Locations.GetAsync",
        ["POST /locations/"] = "Locations.CreateAsync",
        ["PATCH /locations/{id}"] = "Locations.UpdateAsync",
        ["GET /locations/{id}/closures"] = "Locations.ListClosuresAsync",
        ["POST /locations/{id}/closures"] = "Locations.AddClosureAsync",
        ["DELETE /locations/{id}/closures/{closureId}"] = "Locations.RemoveClosureAsync",
        ["GET /resources/"] = "Resources.ListAsync",
        ["GET /resources/{id}"] = "Resources.GetAsync",
        ["POST /resources/"] = "Resources.CreateAsync",
        ["PATCH /resources/{id}"] = "Resources.UpdateAsync",
        ["POST /holds/"] = "Holds.CreateAsync",
        ["GET /holds/{id}"] = "Holds.GetAsync",
        ["DELETE /holds/{id}"] = "Holds.ReleaseAsync",
        ["POST /holds/{id}/confirm"] = "Holds.ConfirmAsync",
        ["POST /appointment-series/"] = "AppointmentSeries.CreateAsync",
        ["GET /appointment-series/{id}"] = "AppointmentSeries.GetAsync",
        ["POST /appointment-series/{id}/cancel"] = "AppointmentSeries.CancelAsync",
        ["POST /appointment-series/{id}/move"] = "AppointmentSeries.MoveAsync",
        ["GET /episodes/"] = "Episodes.ListAsync",
        ["POST /episodes/"] = "Episodes.CreateAsync",
        ["GET /episodes/{id}"] = "Episodes.GetAsync",
        ["PATCH /episodes/{id}"] = "Episodes.UpdateAsync",
        ["POST /episodes/{id}/close"] = "Episodes.CloseAsync",
        ["POST /episodes/{id}/reopen"] = "Episodes.ReopenAsync",
        ["POST /episodes/{id}/assign"] = "Episodes.AssignAsync",
        ["POST /episodes/{id}/change-priority"] = "Episodes.ChangePriorityAsync",
        ["GET /episodes/{id}/events"] = "Episodes.ListEventsAsync",
        ["POST /episodes/{id}/events"] = "Episodes.AddEventAsync",
        ["GET /episode-events/{id}"] = "Episodes.GetEventAsync",
        ["GET /users/"] = "Users.ListAsync",
        ["GET /users/{id}"] = "Users.GetAsync",
        ["POST /users/"] = "Users.CreateAsync",
        ["PATCH /users/{id}"] = "Users.UpdateAsync",
        ["POST /users/{id}/reset-password"] = "Users.ResetPasswordAsync",
        ["GET /pathway-rules/"] = "PathwayRules.ListAsync",
        ["POST /pathway-rules/"] = "PathwayRules.CreateAsync",
        ["GET /pathway-rules/{id}"] = "PathwayRules.GetAsync",
        ["PATCH /pathway-rules/{id}"] = "PathwayRules.UpdateAsync",
        ["DELETE /pathway-rules/{id}"] = "PathwayRules.DeleteAsync",
        ["GET /questionnaire-templates/"] = "QuestionnaireTemplates.ListAsync",
        ["POST /questionnaire-templates/"] = "QuestionnaireTemplates.CreateAsync",
        ["GET /questionnaire-templates/{id}"] = "QuestionnaireTemplates.GetAsync",
        ["PATCH /questionnaire-templates/{id}"] = "QuestionnaireTemplates.UpdateAsync",
        ["GET /questionnaire-responses/"] = "QuestionnaireResponses.ListAsync",
        ["POST /questionnaire-responses/"] = "QuestionnaireResponses.CreateAsync",
        ["GET /questionnaire-responses/{id}"] = "QuestionnaireResponses.GetAsync",
        ["PATCH /questionnaire-responses/{id}"] = "QuestionnaireResponses.UpdateAsync",
        ["GET /webhooks/"] = "Webhooks.ListAsync",
        ["POST /webhooks/"] = "Webhooks.CreateAsync",
        ["GET /webhooks/{id}"] = "Webhooks.GetAsync",
        ["PATCH /webhooks/{id}"] = "Webhooks.UpdateAsync",
        ["DELETE /webhooks/{id}"] = "Webhooks.DeleteAsync",
        ["POST /webhooks/{id}/test"] = "Webhooks.SendTestAsync",
        ["GET /webhooks/{id}/deliveries"] = "Webhooks.ListDeliveriesAsync",
        ["GET /webhooks/{id}/deliveries/{deliveryId}"] = "Webhooks.GetDeliveryAsync",
        ["POST /webhooks/{id}/deliveries/{deliveryId}/redeliver"] = "Webhooks.RedeliverAsync",
        ["GET /organisation/"] = "Organisation.GetAsync",
        ["PATCH /organisation/"] = "Organisation.UpdateAsync",
        ["GET /patients/{id}/observations"] = "Consultations.ListPatientRecordAsync",
        ["GET /patients/{id}/medications"] = "Consultations.ListPatientRecordAsync",
        ["GET /patients/{id}/problems"] = "Consultations.ListPatientRecordAsync",
        ["GET /patients/{id}/referrals"] = "Consultations.ListPatientRecordAsync",
        ["GET /patients/{id}/allergies"] = "Consultations.ListPatientRecordAsync",
        ["GET /patients/{id}/immunisations"] = "Consultations.ListPatientRecordAsync",
        ["GET /consultations/"] = "Consultations.ListAsync",
        ["POST /consultations/"] = "Consultations.CreateAsync",
        ["GET /consultations/{id}"] = "Consultations.GetAsync",
        ["GET /consultations/{id}/amendments"] = "Consultations.ListAmendmentsAsync",
        ["GET /consultations/{id}/problems"] = "Consultations.ListSectionAsync",
        ["GET /consultations/{id}/medications"] = "Consultations.ListSectionAsync",
        ["GET /consultations/{id}/observations"] = "Consultations.ListSectionAsync",
        ["GET /consultations/{id}/procedures"] = "Consultations.ListSectionAsync",
        ["GET /consultations/{id}/referrals"] = "Consultations.ListSectionAsync",
        ["GET /consultations/{id}/lab-orders"] = "Consultations.ListSectionAsync",
        ["GET /consultations/{id}/prescriptions"] = "Consultations.ListSectionAsync",
        ["GET /consultations/{id}/allergies"] = "Consultations.ListSectionAsync",
        ["GET /consultations/{id}/immunisations"] = "Consultations.ListSectionAsync",
        ["GET /consultations/{id}/documents"] = "Consultations.ListSectionAsync",
        ["GET /consultations/{id}/family-history"] = "Consultations.ListSectionAsync",
        ["GET /consultations/{id}/social-history"] = "Consultations.ListSectionAsync",
        ["GET /consultations/{id}/invoices"] = "Consultations.ListSectionAsync",
        ["GET /problems/"] = "Problems.ListAsync",
        ["POST /problems/"] = "Problems.CreateAsync",
        ["GET /problems/{id}"] = "Problems.GetAsync",
        ["PATCH /problems/{id}"] = "Problems.AmendAsync",
        ["GET /problems/{id}/amendments"] = "Problems.ListAmendmentsAsync",
        ["GET /prescriptions/"] = "Prescriptions.ListAsync",
        ["POST /prescriptions/"] = "Prescriptions.CreateAsync",
        ["GET /prescriptions/{id}"] = "Prescriptions.GetAsync",
        ["PATCH /prescriptions/{id}"] = "Prescriptions.AmendAsync",
        ["GET /prescriptions/{id}/amendments"] = "Prescriptions.ListAmendmentsAsync",
        ["GET /documents/"] = "Documents.ListAsync",
        ["POST /documents/"] = "Documents.CreateAsync",
        ["GET /documents/{id}"] = "Documents.GetAsync",
        ["GET /documents/{id}/download"] = "Documents.DownloadAsync",
        ["GET /audit-events/"] = "AuditEvents.ListAsync",
        ["GET /audit-events/{id}"] = "AuditEvents.GetAsync",
        ["GET /calendar-feeds/"] = "CalendarFeeds.ListAsync",
        ["POST /calendar-feeds/"] = "CalendarFeeds.CreateAsync",
        ["DELETE /calendar-feeds/{id}"] = "CalendarFeeds.RevokeAsync",
        ["GET /calendar-feeds/settings"] = "CalendarFeeds.GetSettingsAsync",
        ["PATCH /calendar-feeds/settings"] = "CalendarFeeds.UpdateSettingsAsync",
        ["GET /waitlist-entries/"] = "Waitlist.ListAsync",
        ["POST /waitlist-entries/"] = "Waitlist.CreateAsync",
        ["GET /waitlist-entries/{id}"] = "Waitlist.GetAsync",
        ["DELETE /waitlist-entries/{id}"] = "Waitlist.RemoveAsync",
        ["POST /waitlist-entries/{id}/claim"] = "Waitlist.ClaimAsync",
    };

    /// <summary>
    /// Jump's first-generation aliases (docs/jump-compatibility.md): the SDK reads the same records in the current
    /// shape through <c>AppointmentTemplates</c> and <c>Clinicians</c>.
    /// </summary>
    private static readonly string[] FirstGenerationAliases = ["GET /appointment-types/", "GET /appointment-types/{id}", "GET /clinicians/", "GET /clinicians/{id}"];

    /// <summary>
    /// The patients' own endpoints: called by the booking page in a patient's browser (or a clinic's page, for a waitlist
    /// offer's claim link), with a manage link or a clinic's slug, never with a key.
    /// </summary>
    private static readonly string[] PatientPrefixes = ["/manage/", "/public/", "/waitlist-offers/"];

    [Fact]
    public void Every_documented_endpoint_has_an_sdk_method()
    {
        // Routes left out of the API description only answer 405 (no DELETE of patients, read-only templates).
        var endpoints = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith(ApiPaths.Root + "/", StringComparison.Ordinal))
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription != true)
            .SelectMany(e => e.Metadata.GetRequiredMetadata<HttpMethodMetadata>().HttpMethods
                .Select(method => $"{method} {e.RoutePattern.RawText![ApiPaths.Root.Length..]}"))
            .Where(e => !PatientPrefixes.Any(prefix => e.Split(' ')[1].StartsWith(prefix, StringComparison.Ordinal)))
            .Except(FirstGenerationAliases)
            .ToList();

        Assert.Empty(endpoints.Except(SdkMethodFor.Keys));
        Assert.Empty(SdkMethodFor.Keys.Except(endpoints));
    }

    [Fact]
    public void Every_listed_sdk_method_exists()
    {
        var missing = SdkMethodFor.Values.Where(call =>
        {
            var (resource, method) = (call.Split('.')[0], call.Split('.')[1]);
            var client = typeof(LeapClient).GetProperty(resource)?.PropertyType;
            return client?.GetMethods().Any(m => m.Name == method) != true;
        });

        Assert.Empty(missing);
    }
}
