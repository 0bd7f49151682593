using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Leap.Client.Http;

/// <summary>
/// The calls every resource shares (list, page through, get, create, PATCH, POST an action), for one path and
/// record type. A resource client is a thin, documented layer over one of these.
/// </summary>
internal sealed class RecordEndpoints<T>(LeapTransport transport, string path, JsonTypeInfo<DataEnvelope<T>> one, JsonTypeInfo<ListEnvelope<T>> many)
    where T : class
{
    public async Task<LeapPage<T>> ListAsync(ListQuery query, CancellationToken ct)
    {
        var envelope = await transport.SendAsync(HttpMethod.Get, path + query.ToQueryString(), many, ct);
        return new LeapPage<T>
        {
            Data = envelope.Data,
            Limit = envelope.Meta.Limit,
            NextOffset = envelope.Meta.NextOffset,
            HasMore = envelope.Meta.HasMore,
            RequestId = envelope.Meta.RequestId,
        };
    }

    /// <summary>Every record matching <paramref name="query"/>, fetching the next page only when the caller gets there.</summary>
    public async IAsyncEnumerable<T> ListAllAsync(ListQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            var page = await ListAsync(query, ct);
            foreach (var item in page.Data)
            {
                yield return item;
            }
            if (!page.HasMore || page.NextOffset is not { } next)
            {
                yield break;
            }
            query = query with { Offset = next };
        }
    }

    public Task<T> GetAsync(string id, CancellationToken ct) => SendAsync(HttpMethod.Get, Item(id), ct);

    /// <summary>
    /// A create, with an Idempotency-Key (the caller's, or a new UUID) that every retry of this call repeats,
    /// so however often it is sent the server creates one record.
    /// </summary>
    public Task<T> CreateAsync<TBody>(TBody body, JsonTypeInfo<TBody> bodyType, string? idempotencyKey, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, path, ct, JsonSerializer.SerializeToUtf8Bytes(body, bodyType), idempotencyKey ?? Guid.NewGuid().ToString());

    public Task<T> UpdateAsync(string id, PatchBody changes, CancellationToken ct) =>
        SendAsync(HttpMethod.Patch, Item(id), ct, changes.ToJson());

    /// <summary>POST /{path}/{id}/{action}, e.g. /appointments/{id}/cancel.</summary>
    public Task<T> ActionAsync(string id, string action, CancellationToken ct, byte[]? body = null) =>
        SendAsync(HttpMethod.Post, Item(id) + "/" + action, ct, body);

    private async Task<T> SendAsync(HttpMethod method, string pathAndQuery, CancellationToken ct, byte[]? body = null, string? idempotencyKey = null) =>
        (await transport.SendAsync(method, pathAndQuery, one, ct, body, idempotencyKey)).Data
        ?? throw new LeapException($"{method} {pathAndQuery} answered without data.");

    private string Item(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return path + "/" + Uri.EscapeDataString(id);
    }
}
