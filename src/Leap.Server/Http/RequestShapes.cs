using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Leap.Server.Http;

/// <summary>The fields a body reader reads, in the order it reads them: a request body's shape, as recorded by <see cref="BodyReader.Describing"/>.</summary>
public sealed class BodyShape
{
    /// <summary>
    /// One field: its JSON type (string, integer, number, boolean, object, array, any), format, limits, allowed values,
    /// whether it is required, and the members of an object.
    /// </summary>
    public sealed record Field(
        string Type, string? Format = null, bool Required = false, int? MaxLength = null, long? Minimum = null, long? Maximum = null,
        IReadOnlyCollection<string>? Values = null, int? MaxItems = null, string? IdPrefix = null, BodyShape? Members = null, bool NotNull = false);

    private readonly List<(string Name, Field Spec)> fields = [];
    private readonly HashSet<string> asked = [];

    public IReadOnlyList<(string Name, Field Spec)> Fields => fields;

    /// <summary>The reading code asked whether the field was sent (<see cref="BodyReader.Has"/>).</summary>
    public void Asked(string name) => asked.Add(name);

    /// <summary>
    /// Records a field. Code that first asks whether a field was sent and then reads it as required means "optional,
    /// but not null": it is recorded so. A field read twice is recorded once, required if either read was.
    /// </summary>
    public void Add(string name, Field spec)
    {
        if (spec.Required && asked.Contains(name))
        {
            spec = spec with { Required = false, NotNull = true };
        }
        var index = fields.FindIndex(f => f.Name == name);
        if (index < 0)
        {
            fields.Add((name, spec));
        }
        else if (spec.Required && !fields[index].Spec.Required)
        {
            fields[index] = (name, fields[index].Spec with { Required = true });
        }
    }

    /// <summary>The shape read by <paramref name="read"/>.</summary>
    public static BodyShape Of(Action<BodyReader> read)
    {
        var shape = new BodyShape();
        read(BodyReader.Describing(shape));
        return shape;
    }

    /// <summary>
    /// For a body read by borrowed code: the fields it may not contain left out, and those it may leave out (because
    /// the endpoint fills them in) no longer required.
    /// </summary>
    public BodyShape Adjusted(IReadOnlyCollection<string> refused, IReadOnlyCollection<string> defaulted)
    {
        var adjusted = new BodyShape();
        foreach (var (name, spec) in fields.Where(f => !refused.Contains(f.Name)))
        {
            adjusted.fields.Add((name, defaulted.Contains(name) ? spec with { Required = false } : spec));
        }
        return adjusted;
    }
}

/// <summary>
/// Endpoint metadata: the body an endpoint reads, named for the API document, described by running its reading code on a
/// describing reader (<paramref name="Describe"/>), with an example request the tests send to the server.
/// <paramref name="Partial"/> marks a PATCH: no field is required, and "required" means "not null".
/// </summary>
public sealed record RequestShape(string Name, Func<BodyShape> Describe, JsonObject Example, bool Partial = false);

public static class RequestShapes
{
    /// <summary>
    /// The endpoint reads a JSON body with <paramref name="read"/> (the code the handler reads it with, called with sample
    /// arguments); <paramref name="example"/> is a request body that succeeds (the tests send every one).
    /// </summary>
    public static RouteHandlerBuilder Reads(this RouteHandlerBuilder builder, string name, Action<BodyReader> read,
        [System.Diagnostics.CodeAnalysis.StringSyntax("Json")] string example, bool partial = false) =>
        builder.Reads(name, () => BodyShape.Of(read), example, partial);

    /// <summary>As <see cref="Reads(RouteHandlerBuilder, string, Action{BodyReader}, string, bool)"/>, for a shape that needs adjusting.</summary>
    public static RouteHandlerBuilder Reads(this RouteHandlerBuilder builder, string name, Func<BodyShape> describe,
        [System.Diagnostics.CodeAnalysis.StringSyntax("Json")] string example, bool partial = false) =>
        builder.WithMetadata(new RequestShape(name, describe, JsonNode.Parse(example)!.AsObject(), partial));

    /// <summary>
    /// The OpenAPI operation transformer: each endpoint's request body (its schema from its reading code, and its
    /// example), and the Idempotency-Key header of the endpoints that honour it.
    /// </summary>
    public static Task Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<RequestShape>().FirstOrDefault() is { } request)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = !request.Partial,
                Description = request.Partial ? "Only the fields sent change; null clears an optional field." : null,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = Schema(request.Name, request.Describe(), request.Partial), Example = request.Example.DeepClone() },
                },
            };
        }
        if (metadata.OfType<IdempotentEndpoint>().Any())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = Idempotency.Header,
                In = ParameterLocation.Header,
                Description = "Repeating a request with the same key (and body) within 24 hours replays its first answer (docs/idempotency.md).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = Idempotency.MaxKeyLength },
            });
        }
        return Task.CompletedTask;
    }

    private static OpenApiSchema Schema(string? title, BodyShape shape, bool partial)
    {
        var schema = new OpenApiSchema
        {
            Title = title,
            Type = JsonSchemaType.Object,
            Properties = new Dictionary<string, IOpenApiSchema>(),
            Required = new HashSet<string>(),
        };
        foreach (var (name, spec) in shape.Fields)
        {
            schema.Properties[name] = Schema(spec, partial);
            if (spec.Required && !partial)
            {
                schema.Required.Add(name);
            }
        }
        return schema;
    }

    private static OpenApiSchema Schema(BodyShape.Field spec, bool partial)
    {
        if (spec.Members is { } items && spec.Type == "array")
        {
            return new OpenApiSchema
            {
                Type = spec.Required || spec.NotNull ? JsonSchemaType.Array : JsonSchemaType.Array | JsonSchemaType.Null,
                MaxItems = spec.MaxItems,
                Items = Schema(null, items, partial: false),
            };
        }
        if (spec.Members is { } members)
        {
            var nested = Schema(null, members, partial);
            nested.Type |= spec.Required || spec.NotNull ? 0 : JsonSchemaType.Null;
            return nested;
        }
        var type = spec.Type switch
        {
            "string" => JsonSchemaType.String,
            "integer" => JsonSchemaType.Integer,
            "number" => JsonSchemaType.Number,
            "boolean" => JsonSchemaType.Boolean,
            "array" => JsonSchemaType.Array,
            _ => (JsonSchemaType?)null,
        };
        var schema = new OpenApiSchema
        {
            // Optional fields may be sent as null (in an update, to clear them); required ones may not.
            Type = type is { } t && !spec.Required && !spec.NotNull ? t | JsonSchemaType.Null : type,
            Format = spec.Format,
            MaxLength = spec.Type == "string" ? spec.MaxLength : null,
            Minimum = spec.Minimum?.ToString(CultureInfo.InvariantCulture),
            Maximum = spec.Maximum?.ToString(CultureInfo.InvariantCulture),
            MaxItems = spec.MaxItems,
            Pattern = spec.IdPrefix is { } prefix ? $"^{prefix}[0-9a-f-]{{36}}$" : null,
            Items = spec.Type == "array" ? new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = spec.MaxLength } : null,
        };
        if (spec.Values is { } values)
        {
            schema.Enum = values.Select(v => (JsonNode)JsonValue.Create(v)!).ToList();
        }
        return schema;
    }
}

/// <summary>The arguments reading code is described with (<see cref="RequestShape.Describe"/>): any plausible values do.</summary>
public static class Sample
{
    public static readonly DateTimeOffset Now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public const string KeyId = "key_01900000-0000-7000-8000-000000000000";

    public static string Id(string prefix) => prefix + "01900000-0000-7000-8000-000000000000";
}

/// <summary>
/// The ids the documented examples name. They look like real ids; the test that sends every example replaces each
/// with a record of its own tenant.
/// </summary>
public static class ExampleIds
{
    public const string Patient = "pat_0190b2a0-4a1e-7c3d-8e5f-00000000e001";
    public const string Template = "tmpl_0190b2a0-4a1e-7c3d-8e5f-00000000e002";
    public const string Clinician = "cli_0190b2a0-4a1e-7c3d-8e5f-00000000e003";
    public const string Location = "loc_0190b2a0-4a1e-7c3d-8e5f-00000000e004";
    public const string Episode = "ep_0190b2a0-4a1e-7c3d-8e5f-00000000e005";
    public const string Appointment = "apt_0190b2a0-4a1e-7c3d-8e5f-00000000e006";
    public const string QuestionnaireTemplate = "qt_0190b2a0-0000-7000-8000-000000000002";
}
