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

    /// <summary>GET /{path}/{id}, with <paramref name="query"/> (a query string such as <c>?version=2</c>) when there is one.</summary>
    public Task<T> GetAsync(string id, CancellationToken ct, string query = "") => SendAsync(HttpMethod.Get, Item(id) + query, ct);

    /// <summary>
    /// A create, with an Idempotency-Key (the caller's, or a new UUID) that every retry of this call repeats,
    /// so however often it is sent the server creates one record.
    /// </summary>
    public Task<T> CreateAsync<TBody>(TBody body, JsonTypeInfo<TBody> bodyType, string? idempotencyKey, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, path, ct, JsonSerializer.SerializeToUtf8Bytes(body, bodyType), idempotencyKey ?? Guid.NewGuid().ToString());

    /// <summary>
    /// PATCH /{path}/{id}; <paramref name="force"/> adds <c>"force": true</c> (directory edits that may strand appointments).
    /// With an Idempotency-Key (endpoints whose PATCH makes something new, such as a version, or answers with what it did)
    /// every retry repeats it.
    /// </summary>
    public Task<T> UpdateAsync(string id, PatchBody changes, CancellationToken ct, bool force = false, string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Patch, Item(id), ct, changes.ToJson(force ? [new KeyValuePair<string, object?>("force", true)] : null), idempotencyKey);

    /// <summary>PATCH /{path}/{id} with a body already serialized.</summary>
    public Task<T> SendPatchAsync(string id, byte[] body, CancellationToken ct) => SendAsync(HttpMethod.Patch, Item(id), ct, body);

    /// <summary>
    /// POST /{path}/{id}/{action}, e.g. /appointments/{id}/cancel, with an Idempotency-Key that every retry of the call
    /// repeats: a retry after a lost answer gets the first answer again instead of acting twice.
    /// </summary>
    public Task<T> ActionAsync(string id, string action, CancellationToken ct, byte[]? body = null) =>
        SendAsync(HttpMethod.Post, Item(id) + "/" + action, ct, body, Guid.NewGuid().ToString());

    /// <summary>
    /// DELETE /{path}/{id}, for endpoints that answer with the record (e.g. a released hold); with an Idempotency-Key,
    /// repeated by every retry, where the server honours one (a retry after a lost answer then gets that answer).
    /// </summary>
    public Task<T> DeleteAsync(string id, CancellationToken ct, string? idempotencyKey = null) => SendAsync(HttpMethod.Delete, Item(id), ct, null, idempotencyKey);

    /// <summary>
    /// DELETE /{path}/{id}, for endpoints that answer <c>{"id", "deleted": true}</c> (pathway rules, webhooks). A
    /// 404 heard by a retry means an earlier attempt deleted the record with its answer lost: that is the
    /// outcome, and it is returned. <paramref name="force"/> sends <c>{"force": true}</c> with an Idempotency-Key every retry
    /// repeats (a rota removal that may strand appointments).
    /// </summary>
    public async Task<LeapDeletion> DeleteWithReceiptAsync(string id, CancellationToken ct, bool force = false)
    {
        try
        {
            return await transport.DataAsync(HttpMethod.Delete, Item(id), LeapJsonContext.Default.DataEnvelopeLeapDeletion, ct,
                force ? "{\"force\":true}"u8.ToArray() : null, force ? Guid.NewGuid().ToString() : null);
        }
        catch (LeapNotFoundException e) when (e.Attempts > 1)
        {
            return new LeapDeletion { Id = id, Deleted = true };
        }
    }

    /// <summary>
    /// POST /{path}/{id}/{action} for an action the server does not repeat (a second close is a 409
    /// INVALID_STATE). The call sends an Idempotency-Key that every retry repeats, so a retry after a lost answer
    /// gets the first answer again from Leap. A server that does not honour keys on actions answers such a retry
    /// INVALID_STATE: if the record then shows the action's outcome (<paramref name="done"/>), it is returned.
    /// </summary>
    public async Task<T> StateActionAsync(string id, string action, Func<T, bool> done, CancellationToken ct, byte[]? body = null)
    {
        try
        {
            return await ActionAsync(id, action, ct, body);
        }
        catch (LeapConflictException e) when (e.Code == LeapErrorCodes.InvalidState && e.Attempts > 1)
        {
            var current = await GetAsync(id, ct);
            if (done(current))
            {
                return current;
            }
            throw;
        }
    }

    /// <summary>
    /// POST /{path}/{id}/{action} answering with another type of record (e.g. a hold's confirm answers with the
    /// appointment it made). With an Idempotency-Key, repeated by every retry, when the action creates a record.
    /// </summary>
    public Task<TResult> ActionAsync<TResult>(string id, string action, JsonTypeInfo<DataEnvelope<TResult>> resultType, CancellationToken ct,
        byte[]? body = null, string? idempotencyKey = null) where TResult : class =>
        transport.DataAsync(HttpMethod.Post, Item(id) + "/" + action, resultType, ct, body, idempotencyKey);

    /// <summary>
    /// PUT /{path}/{segments...} (each segment escaped), with the answer's status: an upsert's 201 (created) and
    /// 200 (updated) mean different things.
    /// </summary>
    public async Task<(T Record, int Status)> PutAsync(IEnumerable<string> segments, byte[] body, CancellationToken ct)
    {
        var pathAndQuery = path + string.Concat(segments.Select(s => "/" + Escape(s)));
        var (envelope, status) = await transport.SendWithStatusAsync(HttpMethod.Put, pathAndQuery, one, ct, body);
        return (envelope.Data ?? throw new LeapException($"PUT {pathAndQuery} answered without data."), status);
    }

    /// <summary>The endpoints of a collection under one record, e.g. /clinician-profiles/{id}/sessions.</summary>
    public RecordEndpoints<TChild> Nested<TChild>(string id, string collection, JsonTypeInfo<DataEnvelope<TChild>> childOne,
        JsonTypeInfo<ListEnvelope<TChild>> childMany) where TChild : class =>
        new(transport, Item(id) + "/" + collection, childOne, childMany);

    private Task<T> SendAsync(HttpMethod method, string pathAndQuery, CancellationToken ct, byte[]? body = null, string? idempotencyKey = null) =>
        transport.DataAsync(method, pathAndQuery, one, ct, body, idempotencyKey);

    private string Item(string id) => path + "/" + Escape(id);

    private static string Escape(string segment)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(segment);
        return Uri.EscapeDataString(segment);
    }
}
