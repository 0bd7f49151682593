using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Leap.Server.Http;
using Leap.Server.Telemetry;
using Task = System.Threading.Tasks.Task;

namespace Leap.Server.Fhir;

/// <summary>
/// FHIR JSON in and out, with the Firely SDK's own serializer: the REST API's source-generated System.Text.Json
/// setup never sees a FHIR type. Every FHIR answer, errors included, leaves as <c>application/fhir+json</c>.
/// </summary>
public static class FhirJson
{
    public const string ContentType = "application/fhir+json; charset=utf-8";

    private static readonly FhirJsonSerializer Serializer = new();
    private static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings());

    public static byte[] Serialize(Resource resource) => Serializer.SerializeToBytes(resource);

    /// <summary>A resource of type <typeparamref name="T"/> from a request body; 400 naming what is wrong with it.</summary>
    public static T Parse<T>(JsonElement body) where T : Resource
    {
        Resource resource;
        try
        {
            resource = Deserializer.DeserializeResource(body.GetRawText());
        }
        catch (DeserializationFailedException e)
        {
            throw ApiException.BadRequest($"The body is not a valid FHIR R4 resource: {e.Message}");
        }
        catch (FormatException e)
        {
            throw ApiException.BadRequest($"The body is not a valid FHIR R4 resource: {e.Message}");
        }
        return resource as T ?? throw ApiException.BadRequest(
            $"The body must be a FHIR {typeof(T).Name} resource, not {resource.TypeName}.");
    }

    public static Task WriteAsync(HttpContext context, int status, Resource resource) =>
        ApiResponse.WriteAsync(context, status, Serialize(resource), ContentType);

    /// <summary>An error as an OperationOutcome, with the status the REST API would give it (docs/fhir.md, "Errors").</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, ErrorBody error)
    {
        LeapMetrics.Answered(context, status, error.Code);
        return WriteAsync(context, status, Outcome(status, error));
    }

    public static OperationOutcome Outcome(int status, ErrorBody error)
    {
        var type = status switch
        {
            400 => OperationOutcome.IssueType.Invalid,
            401 => OperationOutcome.IssueType.Login,
            403 => OperationOutcome.IssueType.Forbidden,
            404 => OperationOutcome.IssueType.NotFound,
            405 or 415 => OperationOutcome.IssueType.NotSupported,
            409 => OperationOutcome.IssueType.Conflict,
            413 or 414 or 431 => OperationOutcome.IssueType.TooLong,
            422 => OperationOutcome.IssueType.Processing,
            429 => OperationOutcome.IssueType.Throttled,
            503 => OperationOutcome.IssueType.Transient,
            _ => OperationOutcome.IssueType.Exception,
        };
        var outcome = new OperationOutcome();
        outcome.Issue.Add(new OperationOutcome.IssueComponent
        {
            Severity = status >= 500 ? OperationOutcome.IssueSeverity.Fatal : OperationOutcome.IssueSeverity.Error,
            Code = type,
            Details = new CodeableConcept { Text = error.Code },
            Diagnostics = error.Message,
        });
        foreach (var field in error.Details as IEnumerable<FieldError> ?? [])
        {
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = type,
                Details = new CodeableConcept { Text = error.Code },
                Diagnostics = $"{field.Field}: {field.Message}",
            });
        }
        return outcome;
    }
}

/// <summary>200 (or another status) with a FHIR resource.</summary>
public sealed class FhirResult(Resource resource, int status = 200) : IResult
{
    public Task ExecuteAsync(HttpContext context) => FhirJson.WriteAsync(context, status, resource);
}
