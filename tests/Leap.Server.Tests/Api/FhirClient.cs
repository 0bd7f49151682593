using System.Text;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Api;

/// <summary>
/// Talks to the FHIR facade as one key, and checks every answer the way a FHIR client would: the media type, and the
/// body validated against the base R4 specification with the Firely validator (the specification ships in a NuGet
/// package, so this works offline).
/// </summary>
public sealed class FhirClient(ApiClient api)
{
    public const string Root = "/fhir/r4/";

    public ApiClient Api => api;

    public Task<FhirAnswer> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, Root + path));

    public Task<FhirAnswer> PostAsync(string path, Resource body, string? idempotencyKey = null) =>
        SendAsync(Request(HttpMethod.Post, path, FhirJsonSerializer.Default.SerializeToString(body), "application/fhir+json", idempotencyKey));

    public Task<FhirAnswer> PutAsync(string path, Resource body) =>
        SendAsync(Request(HttpMethod.Put, path, FhirJsonSerializer.Default.SerializeToString(body), "application/fhir+json"));

    public Task<FhirAnswer> SendRawAsync(HttpMethod method, string path, string body, string contentType, string? idempotencyKey = null) =>
        SendAsync(Request(method, path, body, contentType, idempotencyKey));

    public async Task<FhirAnswer> SendAsync(HttpRequestMessage request)
    {
        var result = await api.SendAsync(request);
        Assert.Equal("application/fhir+json", result.ContentHeaders.ContentType?.MediaType);
        return new FhirAnswer(result, FhirValidation.AssertValid(result.Raw));
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string body, string contentType, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, Root + path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }
        return request;
    }

    /// <summary>An operation's Parameters with one resource parameter.</summary>
    public static Parameters With(string name, Resource resource) => new() { Parameter = [new Parameters.ParameterComponent { Name = name, Resource = resource }] };
}

/// <summary>A FHIR answer: its status and headers, and the resource it carried (already validated).</summary>
public sealed record FhirAnswer(ApiResult Result, Resource Resource)
{
    public int StatusCode => Result.StatusCode;

    public T As<T>(int status) where T : Resource
    {
        Assert.True(Result.StatusCode == status, $"Expected {status}, got {Result.StatusCode}: {Result.Raw}");
        return Assert.IsType<T>(Resource);
    }

    /// <summary>The OperationOutcome of a failure, with its status and the Leap error code in the first issue's details.</summary>
    public OperationOutcome Outcome(int status, string code)
    {
        var outcome = As<OperationOutcome>(status);
        Assert.Equal(code, outcome.Issue[0].Details?.Text);
        Assert.Equal(OperationOutcome.IssueSeverity.Error, outcome.Issue[0].Severity);
        return outcome;
    }

    /// <summary>The resources of a searchset Bundle.</summary>
    public List<T> Entries<T>() where T : Resource
    {
        var bundle = As<Bundle>(200);
        Assert.Equal(Bundle.BundleType.Searchset, bundle.Type);
        return bundle.Entry.Select(e => Assert.IsType<T>(e.Resource)).ToList();
    }

    public string? Link(string relation) => ((Bundle)Resource).Link.FirstOrDefault(l => l.Relation == relation)?.Url;
}

/// <summary>The Firely validator over the base R4 specification (specification.zip from Hl7.Fhir.Specification.Data.R4).</summary>
public static class FhirValidation
{
    private static readonly Lock Gate = new();
    private static readonly Lazy<Validator> Instance = new(() =>
    {
        var source = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(source, new LocalTerminologyService(source));
    });

    /// <summary>Parses the JSON and fails the test on any error or fatal issue the validator reports.</summary>
    public static Resource AssertValid(string json)
    {
        var resource = new FhirJsonDeserializer(new DeserializerSettings()).DeserializeResource(json);
        OperationOutcome outcome;
        lock (Gate)
        {
            outcome = Instance.Value.Validate(resource);
        }
        var errors = outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{i.Code}: {i.Details?.Text ?? i.Diagnostics} at {string.Join(", ", i.Expression)}").ToList();
        Assert.True(errors.Count == 0, $"Not valid FHIR R4 ({resource.TypeName}):{Environment.NewLine}{string.Join(Environment.NewLine, errors)}{Environment.NewLine}{json}");
        return resource;
    }
}
