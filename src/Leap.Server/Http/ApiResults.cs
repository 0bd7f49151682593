using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Leap.Server.Telemetry;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Leap.Server.Http;

/// <summary>Writes bodies in the Jump envelope. The only place that serializes responses.</summary>
public static class ApiResponse
{
    public const string JsonContentType = "application/json; charset=utf-8";

    public static JsonSerializerOptions Options(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

    public static byte[] Serialize<T>(HttpContext context, T value) =>
        JsonSerializer.SerializeToUtf8Bytes(value, (JsonTypeInfo<T>)Options(context).GetTypeInfo(typeof(T)));

    public static byte[] Data<T>(HttpContext context, T data, Meta? meta = null) =>
        Serialize(context, new DataEnvelope<T>(data, meta ?? new Meta(RequestIds.Get(context))));

    /// <summary>
    /// Writes <c>{data, meta}</c> through a pooled buffer: an answer can be hundreds of kilobytes (two weeks of
    /// slots), which as a new array per request would land on the large-object heap and cost full collections.
    /// </summary>
    public static async Task WriteDataAsync<T>(HttpContext context, T data)
    {
        var options = Options(context);
        using var buffer = new PooledBuffer();
        await using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder, Indented = options.WriteIndented }))
        {
            var envelope = new DataEnvelope<T>(data, new Meta(RequestIds.Get(context)));
            JsonSerializer.Serialize(writer, envelope, (JsonTypeInfo<DataEnvelope<T>>)options.GetTypeInfo(typeof(DataEnvelope<T>)));
        }
        await WriteAsync(context, 200, buffer.WrittenMemory);
    }

    public static Task WriteAsync(HttpContext context, int status, ReadOnlyMemory<byte> body, string contentType = JsonContentType)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }

    /// <summary>Every error answer is written here (and counted: conflicts and rate-limited requests are metrics).</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, ErrorBody error)
    {
        LeapMetrics.Answered(context, status, error.Code);
        var envelope = new ErrorEnvelope(null, new Meta(RequestIds.Get(context)), error);
        return WriteAsync(context, status, Serialize(context, envelope));
    }
}

/// <summary>200 with <c>{data, meta}</c>.</summary>
public sealed class ApiData<T>(T data) : IResult, IEndpointMetadataProvider
{
    public T Data { get; } = data;

    public Task ExecuteAsync(HttpContext context) => ApiResponse.WriteDataAsync(context, Data);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(200, typeof(DataEnvelope<T>), ["application/json"]));
}

/// <summary>
/// An answer already serialized: with an Idempotency-Key, the exact bytes are stored in the same transaction as the
/// change and replayed later (with <c>Idempotent-Replayed: true</c>). Its media type is the endpoint's (JSON, or FHIR
/// JSON on the FHIR facade), so a replay is sent as the first answer was.
/// </summary>
public sealed record StoredAnswer(int StatusCode, byte[] Body, bool Replayed) : IResult
{
    public const string ReplayedHeader = "Idempotent-Replayed";

    public string ContentType { get; init; } = ApiResponse.JsonContentType;

    public Task ExecuteAsync(HttpContext context)
    {
        if (Replayed)
        {
            context.Response.Headers[ReplayedHeader] = "true";
            LeapMetrics.Replayed(context);
        }
        return ApiResponse.WriteAsync(context, StatusCode, Body, ContentType);
    }
}

/// <summary>The outcome of a create: 201 with <c>{data, meta}</c> (a sync that updates answers 200).</summary>
public sealed class ApiCreated<T>(StoredAnswer answer) : IResult, IEndpointMetadataProvider
{
    public StoredAnswer Answer { get; } = answer;

    public Task ExecuteAsync(HttpContext context) => Answer.ExecuteAsync(context);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(201, typeof(DataEnvelope<T>), ["application/json"]));
}

/// <summary>The outcome of an action on a record (cancel, close, confirm...): 200 with the record as the action left it.</summary>
public sealed class ApiActed<T>(StoredAnswer answer) : IResult, IEndpointMetadataProvider
{
    public StoredAnswer Answer { get; } = answer;

    public Task ExecuteAsync(HttpContext context) => Answer.ExecuteAsync(context);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(200, typeof(DataEnvelope<T>), ["application/json"]));
}

/// <summary>A page of results with <c>meta.limit/next_offset/has_more</c> and no total.</summary>
public sealed class ApiList<T>(Page<T> page) : IResult, IEndpointMetadataProvider
{
    public Page<T> Page { get; } = page;

    public Task ExecuteAsync(HttpContext context)
    {
        var meta = new ListMeta(Page.Limit, Page.HasMore ? Page.Offset + Page.Items.Count : null, Page.HasMore, RequestIds.Get(context));
        return ApiResponse.WriteAsync(context, 200, ApiResponse.Serialize(context, new ListEnvelope<T>(Page.Items, meta)));
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(200, typeof(ListEnvelope<T>), ["application/json"]));
}

public static class Api
{
    public static ApiData<T> Ok<T>(T data) => new(data);
    public static ApiList<T> List<T>(Page<T> page) => new(page);
}
