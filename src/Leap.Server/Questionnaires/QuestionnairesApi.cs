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
        templates.MapPost("/", ReadOnly).ExcludeFromDescription();
        templates.MapPatch("/{id}", ReadOnly).ExcludeFromDescription();
        templates.MapDelete("/{id}", ReadOnly).ExcludeFromDescription();

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

    private static async Task<ApiData<QuestionnaireTemplate>> GetTemplate(string id, TenantDb db, CancellationToken ct) =>
        Api.Ok(await QuestionnaireStore.FindTemplateAsync(db, id, ct) ?? throw ApiException.NotFound("questionnaire template", id));

    private static IResult ReadOnly() => throw new ApiException(405, ErrorCodes.MethodNotAllowed,
        "Questionnaire templates are read-only through the API: create and edit them in the practice's dashboard (Leap: the admin tools).");

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
        await CheckTemplateAsync(reader, db, response.QuestionnaireId, ct);
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
                && await QuestionnaireStore.FindTemplateAsync(write, current.QuestionnaireId, ct) is { } template
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

    /// <summary>The template must be the organisation's or a system one, and active; the answers must fit it.</summary>
    private static async Task CheckTemplateAsync(BodyReader reader, TenantDb db, string templateId, CancellationToken ct)
    {
        if (reader.Failed("questionnaire_id"))
        {
            return;
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
