using System.Text.Json;
using Leap.Server.Http;

namespace Leap.Server.Questionnaires;

/// <summary>
/// Checks a response's answers against its template's questions (<c>schema.fields</c>): only known questions,
/// each answer of its question's type, and every required question that is shown answered. A question with
/// <c>show_if</c> ({"other_key": value, ...}) is shown only when those answers were given.
/// </summary>
public static class QuestionnaireValidation
{
    public const int MaxTextLength = 5000;

    /// <summary>The question types answers are checked for (docs/questionnaires.md).</summary>
    public static readonly IReadOnlyCollection<string> QuestionTypes = ["text", "number", "scale", "boolean", "choice", "multi_choice", "date"];
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public static QuestionnaireResponse Blank(string id, DateTimeOffset now) => new()
    {
        Id = id,
        QuestionnaireId = "",
        SubmittedAt = now,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>
    /// The shape of a create or PATCH body (answers are checked against the template separately). A PATCH
    /// replaces <c>responses</c> as a whole and may link the response to a patient, appointment or episode; the
    /// questionnaire and, once set, the patient stay.
    /// </summary>
    public static QuestionnaireResponse Apply(BodyReader r, QuestionnaireResponse current, bool creating, DateTimeOffset now)
    {
        if (!creating && r.Has("questionnaire_id"))
        {
            r.Fail("questionnaire_id", "cannot be changed: submit a new response to the other questionnaire");
        }
        var patientId = r.Has("patient_id") ? r.Id("patient_id", Ids.Patient) : current.PatientId;
        if (!creating && current.PatientId is not null && patientId != current.PatientId && !r.Failed("patient_id"))
        {
            r.Fail("patient_id", "cannot be changed once set");
        }
        var response = current with
        {
            QuestionnaireId = creating ? r.Id("questionnaire_id", Ids.QuestionnaireTemplate, required: true) ?? "" : current.QuestionnaireId,
            PatientId = patientId,
            AppointmentId = r.Has("appointment_id") ? r.Id("appointment_id", Ids.Appointment) : current.AppointmentId,
            EpisodeId = r.Has("episode_id") ? r.Id("episode_id", Ids.Episode) : current.EpisodeId,
            Responses = creating || r.Has("responses") ? Answers(r) ?? current.Responses : current.Responses,
            IsPreBooking = r.Has("is_pre_booking") ? r.Bool("is_pre_booking", required: true) ?? current.IsPreBooking : current.IsPreBooking,
            UpdatedAt = now,
        };
        if (creating && r.Timestamp("submitted_at") is { } submitted)
        {
            if (submitted > now + ClockSkew)
            {
                r.Fail("submitted_at", "must not be in the future");
            }
            response = response with { SubmittedAt = submitted };
        }
        return response;
    }

    /// <summary>The answers: a JSON object keyed by question (an array or anything else is refused).</summary>
    private static JsonElement? Answers(BodyReader r) =>
        r.Object("responses", required: true) is null ? null : r.Raw("responses")!.Value.Clone();

    public static void CheckAnswers(BodyReader answers, JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("fields", out var fields) || fields.ValueKind != JsonValueKind.Array)
        {
            return;
        }
        var questions = fields.EnumerateArray()
            .Where(f => f.ValueKind == JsonValueKind.Object && f.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String)
            .ToDictionary(f => f.GetProperty("key").GetString()!);
        foreach (var unknown in answers.Fields.Where(f => !questions.ContainsKey(f)))
        {
            answers.Fail(unknown, "is not a question of this questionnaire");
        }
        foreach (var (key, question) in questions)
        {
            if (answers.Raw(key) is { } answer)
            {
                CheckAnswer(answers, key, question, answer);
            }
            else if (Flag(question, "required") && IsShown(question, answers))
            {
                answers.Fail(key, "is required");
            }
        }
    }

    private static void CheckAnswer(BodyReader answers, string key, JsonElement question, JsonElement answer)
    {
        var type = question.TryGetProperty("type", out var t) ? t.GetString() : "text";
        switch (type)
        {
            case "boolean":
                answers.Bool(key);
                break;
            case "date":
                answers.Date(key);
                break;
            case "number" or "scale":
                var min = Number(question, "min") ?? double.MinValue;
                var max = Number(question, "max") ?? double.MaxValue;
                var inRange = answer.ValueKind == JsonValueKind.Number && answer.GetDouble() >= min && answer.GetDouble() <= max
                    && (type != "scale" || answer.TryGetInt64(out _));
                if (!inRange)
                {
                    answers.Fail(key, $"must be {(type == "scale" ? "a whole number" : "a number")} from {Describe(min)} to {Describe(max)}");
                }
                break;
            case "choice":
                if (answers.String(key, MaxTextLength) is { } choice && !Options(question).Contains(choice))
                {
                    answers.Fail(key, $"must be one of: {string.Join(", ", Options(question))}");
                }
                break;
            case "multi_choice":
                if (answers.StringList(key, maxItems: 100, maxLength: MaxTextLength) is { } chosen && chosen.FirstOrDefault(c => !Options(question).Contains(c)) is { } bad)
                {
                    answers.Fail(key, $"'{bad}' is not one of: {string.Join(", ", Options(question))}");
                }
                break;
            default:
                answers.String(key, (int?)Number(question, "max_length") ?? MaxTextLength, multiline: true);
                break;
        }
    }

    private static bool IsShown(JsonElement question, BodyReader answers) =>
        !question.TryGetProperty("show_if", out var condition) || condition.ValueKind != JsonValueKind.Object
        || condition.EnumerateObject().All(c => answers.Raw(c.Name) is { } given && JsonElement.DeepEquals(given, c.Value));

    private static bool Flag(JsonElement question, string name) =>
        question.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static double? Number(JsonElement question, string name) =>
        question.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static IReadOnlyList<string> Options(JsonElement question) =>
        question.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Array
            ? options.EnumerateArray().Where(o => o.ValueKind == JsonValueKind.String).Select(o => o.GetString()!).ToList()
            : [];

    private static string Describe(double bound) => bound is double.MinValue or double.MaxValue ? "any" : bound.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
