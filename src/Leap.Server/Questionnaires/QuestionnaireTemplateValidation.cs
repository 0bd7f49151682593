using System.Text.Json;
using System.Text.RegularExpressions;
using Leap.Server.Http;

namespace Leap.Server.Questionnaires;

/// <summary>
/// The shape of a template create or PATCH body, and its questions (<c>schema.fields</c>) as
/// <see cref="QuestionnaireValidation.CheckAnswers"/> reads them: each question has a unique key, a label and a
/// known type, and only the properties its type uses (options for the choice types, min/max for number and
/// scale, max_length for text); <c>show_if</c> names other questions. Unknown properties are refused, so a
/// misspelt <c>requried</c> cannot silently make a question optional.
/// </summary>
public static partial class QuestionnaireTemplateValidation
{
    public const int MaxQuestions = 200;
    private const int MaxOptions = 100;
    private const int MaxBound = 1_000_000_000;

    private static readonly string[] QuestionProperties = ["key", "label", "type", "required", "min", "max", "options", "max_length", "show_if"];

    public static QuestionnaireTemplate Blank(string id, string questionnaireId, DateTimeOffset now) => new()
    {
        Id = id,
        QuestionnaireId = questionnaireId,
        Title = "",
        Version = 1,
        IsActive = true,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>
    /// A create (title and schema required) or a PATCH (only the fields sent change; <c>schema</c> is replaced
    /// whole). Whether the change makes a new version is the caller's decision (<see cref="ChangesWhatPatientsSee"/>).
    /// </summary>
    public static QuestionnaireTemplate Apply(BodyReader r, QuestionnaireTemplate current, bool creating, DateTimeOffset now)
    {
        var key = r.Has("key") ? r.String("key", 64) : current.Key;
        if (key is not null && !r.Failed("key") && !KeyPattern().IsMatch(key))
        {
            r.Fail("key", "must be lower-case letters, digits and underscores, starting with a letter (e.g. new_patient_intake)");
        }
        return current with
        {
            Title = creating || r.Has("title") ? r.String("title", 200, required: true) ?? current.Title : current.Title,
            Description = r.Has("description") ? r.String("description", 2000, multiline: true) : current.Description,
            Schema = creating || r.Has("schema") ? Schema(r) ?? current.Schema : current.Schema,
            Category = r.Has("category") ? r.String("category", 100) : current.Category,
            Tags = r.StringList("tags", current.Tags),
            IsClinical = r.Has("is_clinical") ? r.Bool("is_clinical", required: true) ?? current.IsClinical : current.IsClinical,
            IsActive = r.Has("is_active") ? r.Bool("is_active", required: true) ?? current.IsActive : current.IsActive,
            Key = key,
            UpdatedAt = now,
        };
    }

    /// <summary>A new version is made when the form a patient fills in changes: its title, description or questions.</summary>
    public static bool ChangesWhatPatientsSee(QuestionnaireTemplate before, QuestionnaireTemplate after) =>
        before.Title != after.Title || before.Description != after.Description || !JsonElement.DeepEquals(before.Schema, after.Schema);

    /// <summary>The schema sent, when its questions are valid (every problem is reported).</summary>
    private static JsonElement? Schema(BodyReader r)
    {
        var schema = r.Object("schema", required: true);
        if (schema is null)
        {
            return null;
        }
        foreach (var unknown in schema.Fields.Where(f => f != "fields"))
        {
            schema.Fail(unknown, "is not part of a questionnaire schema (it holds fields)");
        }
        var questions = schema.Objects("fields", MaxQuestions, required: true);
        if (questions is not null && questions.Count == 0)
        {
            schema.Fail("fields", "must have at least one question");
        }
        var keys = (questions ?? []).Select(Question).ToList();
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i] is { } key && keys.IndexOf(key) < i)
            {
                questions![i].Fail("key", $"repeats the key of question {keys.IndexOf(key)}: each question needs its own");
            }
        }
        foreach (var question in questions ?? [])
        {
            CheckShowIf(question, keys);
        }
        return r.Failed("schema") || r.Errors.Any(e => e.Field.StartsWith("schema.", StringComparison.Ordinal)) ? null : r.Raw("schema")!.Value.Clone();
    }

    /// <summary>Checks one question and returns its key (null when the key itself is invalid).</summary>
    private static string? Question(BodyReader q)
    {
        foreach (var unknown in q.Fields.Where(f => !QuestionProperties.Contains(f)))
        {
            q.Fail(unknown, $"is not a question property ({string.Join(", ", QuestionProperties)})");
        }
        var key = q.String("key", 64, required: true);
        if (key is not null && !KeyPattern().IsMatch(key))
        {
            q.Fail("key", "must be lower-case letters, digits and underscores, starting with a letter (e.g. cigarettes_per_day)");
            key = null;
        }
        q.String("label", 500, required: true);
        var type = q.Enum("type", QuestionnaireValidation.QuestionTypes, required: true);
        q.Bool("required");
        var min = Bound(q, "min", type);
        var max = Bound(q, "max", type);
        if (min is not null && max is not null && min > max)
        {
            q.Fail("max", "must not be less than min");
        }
        var options = q.StringList("options", MaxOptions, maxLength: 200);
        if (type is "choice" or "multi_choice")
        {
            if (options is null || options.Count == 0)
            {
                q.Fail("options", $"is required for a {type} question: the answers to choose from");
            }
            else if (options.Distinct(StringComparer.Ordinal).Count() != options.Count)
            {
                q.Fail("options", "must not repeat an option");
            }
        }
        else if (options is not null)
        {
            q.Fail("options", "applies only to choice and multi_choice questions");
        }
        if (q.Int("max_length", 1, QuestionnaireValidation.MaxTextLength) is not null && type is not null && type != "text")
        {
            q.Fail("max_length", "applies only to text questions");
        }
        return key;
    }

    /// <summary>min or max: numbers for number questions, whole numbers for scale questions, nothing for other types.</summary>
    private static double? Bound(BodyReader q, string name, string? type)
    {
        if (q.Raw(name) is not { } value)
        {
            return null;
        }
        if (type is not null && type is not ("number" or "scale"))
        {
            q.Fail(name, "applies only to number and scale questions");
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || Math.Abs(value.GetDouble()) > MaxBound || (type == "scale" && !value.TryGetInt64(out _)))
        {
            q.Fail(name, $"must be {(type == "scale" ? "a whole number" : "a number")} from -{MaxBound} to {MaxBound}");
            return null;
        }
        return value.GetDouble();
    }

    /// <summary><c>show_if</c> names other questions of the form, each with the answer (a string, number or boolean) that shows this one.</summary>
    private static void CheckShowIf(BodyReader q, IReadOnlyList<string?> keys)
    {
        if (q.Object("show_if") is not { } condition)
        {
            return;
        }
        var own = q.Raw("key") is { ValueKind: JsonValueKind.String } k ? k.GetString() : null;
        foreach (var name in condition.Fields)
        {
            if (name == own || !keys.Contains(name))
            {
                condition.Fail(name, "must name another question of this questionnaire");
            }
            else if (condition.Raw(name) is not { ValueKind: JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False })
            {
                condition.Fail(name, "must be the answer (a string, number or boolean) that shows this question");
            }
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex KeyPattern();
}
