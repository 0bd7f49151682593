using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Questionnaires;

public static class QuestionnairesApi
{
    public static void MapQuestionnaires(this IEndpointRouteBuilder api)
    {
        var templates = api.MapGroup("/questionnaire-templates").WithTags("Questionnaires");
        templates.MapGet("/", ListTemplates).RequireScope(Scopes.ReadQuestionnaires);
        templates.MapGet("/{id}", GetTemplate).RequireScope(Scopes.ReadQuestionnaires);
        templates.MapPost("/", CreateTemplate).RequireScope(Scopes.WriteQuestionnaires).Idempotent()
            .Reads("QuestionnaireTemplateCreate", r => QuestionnaireTemplateValidation.Apply(r, BlankTemplate, creating: true, Sample.Now), """
                {"title": "Back pain check-in", "description": "Before a physiotherapy review.", "category": "physio", "tags": ["msk"],
                 "is_clinical": true, "key": "back_pain_check_in",
                 "schema": {"fields": [
                   {"key": "pain", "label": "How bad is the pain today?", "type": "scale", "min": 0, "max": 10, "required": true},
                   {"key": "worse_at_night", "label": "Is it worse at night?", "type": "boolean"},
                   {"key": "notes", "label": "Anything else?", "type": "text", "max_length": 2000, "show_if": {"worse_at_night": true}}]}}
                """);
        templates.MapPatch("/{id}", UpdateTemplate).RequireScope(Scopes.WriteQuestionnaires).Idempotent()
            .Reads("QuestionnaireTemplateUpdate", r => QuestionnaireTemplateValidation.Apply(r, BlankTemplate, creating: false, Sample.Now), """
                {"schema": {"fields": [
                   {"key": "pain", "label": "How bad is the pain today (0 none, 10 worst)?", "type": "scale", "min": 0, "max": 10, "required": true},
                   {"key": "sleep", "label": "How are you sleeping?", "type": "choice", "options": ["well", "badly", "not at all"]}]}}
                """, partial: true);
        templates.MapDelete("/{id}", Undeletable).ExcludeFromDescription();

        var responses = api.MapGroup("/questionnaire-responses").WithTags("Questionnaires");
        responses.MapGet("/", ListResponses).RequireScope(Scopes.ReadQuestionnaires);
        responses.MapGet("/{id}", GetResponse).RequireScope(Scopes.ReadQuestionnaires);
        responses.MapPost("/", CreateResponse).RequireScope(Scopes.WriteQuestionnaires).Idempotent()
            .Reads("QuestionnaireResponseCreate", r => QuestionnaireValidation.Apply(r, Blank, creating: true, Sample.Now), $$$"""
                {"questionnaire_id": "{{{ExampleIds.QuestionnaireTemplate}}}", "patient_id": "{{{ExampleIds.Patient}}}",
                 "responses": {"little_interest": 1, "feeling_down": 0}}
                """);
        responses.MapPatch("/{id}", UpdateResponse).RequireScope(Scopes.WriteQuestionnaires)
            .Reads("QuestionnaireResponseUpdate", r => QuestionnaireValidation.Apply(r, Blank, creating: false, Sample.Now),
                """{"responses": {"little_interest": 2, "feeling_down": 1}}""", partial: true);
    }

    private static async Task<ApiList<QuestionnaireTemplate>> ListTemplates(HttpRequest request, TenantDb db, CancellationToken ct) =>
        Api.List(await QuestionnaireStore.ListTemplatesAsync(db, QuestionnaireStore.TemplateListSpec.Parse(request), ct));

    /// <summary>The template as it is, or as it was at <c>?version=N</c> (what a response of that version answered).</summary>
    private static async Task<ApiData<QuestionnaireTemplate>> GetTemplate(string id, HttpRequest request, TenantDb db, CancellationToken ct)
    {
        var q = new QueryReader(request, "version");
        var version = q.Int("version", 1, int.MaxValue);
        q.ThrowIfInvalid();
        var template = version is { } v
            ? await QuestionnaireStore.FindTemplateVersionAsync(db, id, v, ct)
                ?? throw (await QuestionnaireStore.FindTemplateAsync(db, id, ct) is null
                    ? ApiException.NotFound("questionnaire template", id)
                    : new ApiException(404, ErrorCodes.NotFound, $"Questionnaire template {id} has no version {v}."))
            : await QuestionnaireStore.FindTemplateAsync(db, id, ct);
        return Api.Ok(template ?? throw ApiException.NotFound("questionnaire template", id));
    }

    private static IResult Undeletable() => throw new ApiException(405, ErrorCodes.MethodNotAllowed,
        "Questionnaire templates are not deleted (responses refer to them): deactivate one with PATCH {\"is_active\": false}.");

    private static readonly QuestionnaireTemplate BlankTemplate =
        QuestionnaireTemplateValidation.Blank(Sample.Id(Ids.QuestionnaireTemplate), Sample.Id(Ids.Questionnaire), Sample.Now);

    /// <summary>An organisation's own template, as version 1.</summary>
    private static async Task<ApiCreated<QuestionnaireTemplate>> CreateTemplate(WriteRequest request, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var reader = request.Reader();
        var template = QuestionnaireTemplateValidation.Apply(reader,
            QuestionnaireTemplateValidation.Blank(Ids.New(Ids.QuestionnaireTemplate), Ids.New(Ids.Questionnaire), now), creating: true, now);
        reader.ThrowIfInvalid();
        return await request.CreateAsync(template, write => QuestionnaireStore.InsertTemplateAsync(write, template, ct), ct);
    }

    /// <summary>
    /// Changes an organisation's own template; a change to what patients see makes the next version (earlier ones stay,
    /// and the responses that answered them keep showing them). System templates are shared by every organisation: 403.
    /// </summary>
    private static async Task<ApiActed<QuestionnaireTemplate>> UpdateTemplate(string id, WriteRequest request, TimeProvider clock, CancellationToken ct)
    {
        try
        {
            return await request.ActAsync(async write =>
            {
                var current = await QuestionnaireStore.FindOwnTemplateAsync(write, id, ct) ?? throw await NotOwnAsync(write, id, ct);
                var now = TypeHandlers.Truncate(clock.GetUtcNow());
                var reader = request.Reader();
                var changed = QuestionnaireTemplateValidation.Apply(reader, current, creating: false, now);
                reader.ThrowIfInvalid();
                if (QuestionnaireTemplateValidation.ChangesWhatPatientsSee(current, changed))
                {
                    changed = changed with { Version = current.Version + 1 };
                }
                await QuestionnaireStore.UpdateTemplateAsync(write, current, changed, ct);
                return changed;
            }, ct);
        }
        catch (Exception e) when (request.Db.IsUniqueViolation(e))
        {
            throw ApiException.Conflict($"Questionnaire template {id} was changed by another request at the same time. Fetch it and try again.");
        }
    }

    private static async Task<ApiException> NotOwnAsync(TenantDb db, string id, CancellationToken ct) =>
        await QuestionnaireStore.FindTemplateAsync(db, id, ct) is { IsSystem: true }
            ? new ApiException(403, ErrorCodes.Forbidden,
                $"Questionnaire template {id} is a system template, shared by every organisation, and cannot be changed: create your own with POST /questionnaire-templates.")
            : ApiException.NotFound("questionnaire template", id);

    private static async Task<ApiList<QuestionnaireResponse>> ListResponses(HttpRequest request, TenantDb db, CancellationToken ct) =>
        Api.List(await QuestionnaireStore.ListResponsesAsync(db, QuestionnaireStore.ResponseListSpec.Parse(request), ct));

    private static async Task<ApiData<QuestionnaireResponse>> GetResponse(string id, TenantDb db, CancellationToken ct) =>
        Api.Ok(await QuestionnaireStore.FindResponseAsync(db, id, ct) ?? throw ApiException.NotFound("questionnaire response", id));

    /// <summary>
    /// Records a response made through the API (<c>submitted_by_patient: false</c>). A response about a patient
    /// raises the "questionnaire submitted" trigger once routed: it lands on an episode as the pathway rules say.
    /// </summary>
    private static readonly QuestionnaireResponse Blank = QuestionnaireValidation.Blank(Sample.Id(Ids.QuestionnaireResponse), Sample.Now);

    private static async Task<ApiCreated<QuestionnaireResponse>> CreateResponse(WriteRequest request,
        QuestionnaireEvents events, TimeProvider clock, CancellationToken ct)
    {
        var db = request.Db;
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var reader = request.Reader();
        var response = QuestionnaireValidation.Apply(reader, QuestionnaireValidation.Blank(Ids.New(Ids.QuestionnaireResponse), now), creating: true, now);
        response = response with { QuestionnaireVersion = await CheckTemplateAsync(reader, db, response.QuestionnaireId, ct) ?? 0 };
        reader.ThrowIfInvalid();
        return await request.CreateAsync(async write =>
        {
            response = await CheckLinksAsync(write, response, ct);
            await events.CreateAsync(write, response, ct);
            return response;
        }, ct);
    }

    private static async Task<ApiData<QuestionnaireResponse>> UpdateResponse(string id, HttpContext http, TenantDb db,
        QuestionnaireEvents events, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        return Api.Ok(await db.WriteAsync(async write =>
        {
            var current = await QuestionnaireStore.FindResponseAsync(write, id, ct)
                ?? throw ApiException.NotFound("questionnaire response", id);
            var now = TypeHandlers.Truncate(clock.GetUtcNow());
            var reader = new BodyReader(body.Root);
            var response = QuestionnaireValidation.Apply(reader, current, creating: false, now);
            if (reader.Has("responses") && !reader.Failed("responses")
                && await QuestionnaireStore.FindTemplateVersionAsync(write, current.QuestionnaireId, current.QuestionnaireVersion, ct) is { } template
                && reader.Object("responses") is { } answers)
            {
                QuestionnaireValidation.CheckAnswers(answers, template.Schema);
            }
            reader.ThrowIfInvalid();
            response = await CheckLinksAsync(write, response, ct);
            await events.ChangeAsync(write, current, response, ct);
            return response;
        }, ct));
    }

    /// <summary>
    /// The template must be the organisation's or a system one, and active; the answers must fit its current version,
    /// which the response records (returned; null when the template is refused).
    /// </summary>
    private static async Task<int?> CheckTemplateAsync(BodyReader reader, TenantDb db, string templateId, CancellationToken ct)
    {
        if (reader.Failed("questionnaire_id"))
        {
            return null;
        }
        var template = await QuestionnaireStore.FindTemplateAsync(db, templateId, ct);
        if (template is null)
        {
            reader.Fail("questionnaire_id", $"no questionnaire template {templateId} exists");
        }
        else if (!template.IsActive)
        {
            reader.Fail("questionnaire_id", $"questionnaire template {templateId} is not active");
        }
        else if (!reader.Failed("responses") && reader.Object("responses") is { } answers)
        {
            QuestionnaireValidation.CheckAnswers(answers, template.Schema);
        }
        return template?.Version;
    }

    /// <summary>
    /// Linked records must exist in the tenant and belong to the response's patient; a response linked to an
    /// appointment or episode without a patient takes theirs.
    /// </summary>
    private static async Task<QuestionnaireResponse> CheckLinksAsync(TenantDb db, QuestionnaireResponse response, CancellationToken ct)
    {
        var owners = await QuestionnaireStore.FindLinkOwnersAsync(db, response.PatientId, response.AppointmentId, response.EpisodeId, ct);
        var errors = new List<FieldError>();
        if (response.PatientId is not null && !owners.PatientExists)
        {
            errors.Add(new FieldError("patient_id", $"no patient {response.PatientId} exists"));
        }
        var patientId = response.PatientId ?? owners.AppointmentPatientId ?? owners.EpisodePatientId;
        if (response.AppointmentId is not null && owners.AppointmentPatientId != patientId)
        {
            errors.Add(new FieldError("appointment_id", owners.AppointmentPatientId is null
                ? $"no appointment {response.AppointmentId} exists" : $"appointment {response.AppointmentId} is another patient's"));
        }
        if (response.EpisodeId is not null && owners.EpisodePatientId != patientId)
        {
            errors.Add(new FieldError("episode_id", owners.EpisodePatientId is null
                ? $"no episode {response.EpisodeId} exists" : $"episode {response.EpisodeId} is another patient's"));
        }
        return errors.Count > 0 ? throw ApiException.Validation(errors) : response with { PatientId = patientId };
    }
}
