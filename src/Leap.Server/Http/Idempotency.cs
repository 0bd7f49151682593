using System.Reflection;
using Leap.Server.Accounts;
using Leap.Server.Storage;

namespace Leap.Server.Http;

/// <summary>
/// Idempotency-Key for every create and action (decisions in docs/idempotency.md). The key and the response are
/// stored in the same transaction that makes the change, so a change and its stored response exist together or
/// not at all, and a concurrent duplicate can only ever find the finished response:
/// <list type="bullet">
/// <item>PostgreSQL: the duplicate's claim (or an earlier constraint, such as the clinician's busy time)
/// waits until the first commits, then fails; its transaction is rolled back and it replays.</item>
/// <item>SQLite: writes are serialized, so the duplicate runs after the first and replays.</item>
/// </list>
/// Only successful results are stored: a failed request rolls its claim back, so a retry runs afresh.
/// <para>
/// One pipeline serves every such endpoint: it is marked <see cref="IdempotencyEndpoints.Idempotent"/>, its handler
/// takes a <see cref="WriteRequest"/> (the body, read once, and the key) and makes its change through it, and the
/// endpoint filter answers a replay before the handler runs.
/// </para>
/// </summary>
public sealed class Idempotency(Database database, TimeProvider clock)
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 255;
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public sealed record Request(TenantDb Db, string Endpoint, string? Key, string BodyHash);

    private sealed record StoredResponse
    {
        public required string RequestHash { get; init; }
        public int? ResponseStatus { get; init; }
        public byte[]? ResponseBody { get; init; }
        public DateTimeOffset ExpiresAt { get; init; }
    }

    /// <summary>Reads the key (400 if malformed) and fingerprints the request it guards.</summary>
    public static Request Describe(HttpContext http, TenantDb db, JsonBody body)
    {
        var values = http.Request.Headers[Header];
        string? key = null;
        if (values.Count > 1)
        {
            throw ApiException.BadRequest($"Send one {Header} header, not {values.Count}.");
        }
        if (values.Count == 1)
        {
            key = values[0]!;
            if (key.Length == 0 || key.Length > MaxKeyLength || key.Any(c => c < 0x21 || c > 0x7E))
            {
                throw ApiException.BadRequest(
                    $"{Header} must be 1 to {MaxKeyLength} visible ASCII characters (a UUID is recommended).",
                    [new FieldError(Header, $"must be 1 to {MaxKeyLength} visible ASCII characters")]);
            }
        }
        var endpoint = $"{http.Request.Method} {ApiPaths.Relative(http.Request.Path)}";
        return new Request(db, endpoint, key, key is null ? "" : body.CanonicalHash());
    }

    /// <summary>
    /// The stored response for this key, if the request was already made: replayed as it was. Throws 409 when
    /// the key was used with a different body. Null when the key is new (or absent, or expired).
    /// </summary>
    public async Task<StoredAnswer?> FindReplayAsync(Request request, CancellationToken ct)
    {
        if (request.Key is null)
        {
            return null;
        }
        var stored = await request.Db.SingleAsync<StoredResponse>(
            $"""
            SELECT request_hash, response_status, response_body, expires_at FROM idempotency_keys
            WHERE {TenantSql.Filter} AND endpoint = @Endpoint AND key = @Key
            """,
            new { request.Endpoint, request.Key }, ct);
        if (stored is null || stored.ExpiresAt <= clock.GetUtcNow() || stored.ResponseBody is null)
        {
            return null;
        }
        if (stored.RequestHash != request.BodyHash)
        {
            throw new ApiException(409, ErrorCodes.Conflict,
                $"This {Header} was already used with a different request body. Use a new key for a different request.");
        }
        return new StoredAnswer(stored.ResponseStatus ?? 201, stored.ResponseBody, Replayed: true);
    }

    /// <summary>
    /// Runs <paramref name="write"/> (which returns the finished answer's bytes) in one transaction and, with a key,
    /// claims the key with that answer as the transaction's last statement (the key row is written once, at its final
    /// size). A key already taken rolls the change back and the request replays.
    /// </summary>
    public async Task<StoredAnswer> RunAsync(Request request, int status, Func<TenantDb, Task<byte[]>> write, CancellationToken ct)
    {
        if (request.Key is null)
        {
            return new StoredAnswer(status, await request.Db.WriteAsync(write, ct), Replayed: false);
        }

        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        try
        {
            var stored = await request.Db.WriteAsync(async db =>
            {
                var body = await write(db);
                var claimed = await db.ExecuteAsync(
                    $"""
                    INSERT INTO idempotency_keys ({TenantSql.Columns}, endpoint, key, request_hash, response_status, response_body, created_at, expires_at)
                    VALUES ({TenantSql.Values}, @Endpoint, @Key, @BodyHash, @status, @body, @Now, @ExpiresAt)
                    ON CONFLICT (org_id, mode, endpoint, key) DO UPDATE
                      SET request_hash = excluded.request_hash, response_status = excluded.response_status,
                          response_body = excluded.response_body, created_at = excluded.created_at, expires_at = excluded.expires_at
                      WHERE idempotency_keys.expires_at <= excluded.created_at
                    """,
                    new { request.Endpoint, request.Key, request.BodyHash, status, body, Now = now, ExpiresAt = now + Lifetime }, ct);
                // A key already taken must undo this change, hence an exception rather than a result.
                return claimed == 1 ? body : throw new ApiException(409, ErrorCodes.Conflict,
                    $"A request with this {Header} is still in progress. Retry shortly.") { RetryAfter = TimeSpan.FromSeconds(1) };
            }, ct);
            return new StoredAnswer(status, stored, Replayed: false);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // The key was taken by a request that committed first (or a constraint it set off, such as the
            // clinician's busy time, refused this one): answer as it did, or 409 if its body differed.
            if (await FindReplayAsync(request, ct) is { } replay)
            {
                return replay;
            }
            throw;
        }
    }

    /// <summary>Deletes keys past their 24 hours; run periodically by <see cref="Housekeeping"/>.</summary>
    public Task<int> PurgeExpiredAsync(CancellationToken ct) =>
        database.CrossTenant("housekeeping").WriteAsync("DELETE FROM idempotency_keys WHERE expires_at <= @now", new { now = clock.GetUtcNow() }, ct);
}

/// <summary>
/// The request of a create or an action: its JSON body (read once, 415/413/400 before anything else) and its
/// Idempotency-Key. A handler takes it as a parameter, reads the body with <see cref="Reader"/> and makes its change
/// through <c>CreateAsync</c> or <see cref="ActAsync{T}"/>, which
/// store the answer with the key in the change's transaction. Replays never reach the handler (see
/// <see cref="IdempotencyEndpoints"/>).
/// </summary>
public sealed class WriteRequest
{
    private readonly HttpContext http;
    private readonly Idempotency idempotency;

    private WriteRequest(HttpContext http, Idempotency idempotency, JsonBody body, Idempotency.Request key)
    {
        this.http = http;
        this.idempotency = idempotency;
        Body = body;
        Key = key;
    }

    public JsonBody Body { get; }

    internal Idempotency.Request Key { get; }

    /// <summary>The tenant the request writes for.</summary>
    public TenantDb Db => Key.Db;

    /// <summary>The same request, its changes made by <paramref name="actor"/> (someone known only once the request is read: a patient booking online).</summary>
    public WriteRequest By(Actor actor) => new(http, idempotency, Body, Key with { Db = Key.Db.As(actor) });

    /// <summary>A fresh reader of the body (each collects its own field errors).</summary>
    public BodyReader Reader() => new(Body.Root);

    /// <summary>Writes a record built before the transaction (its answer is serialized outside it); 201.</summary>
    public async Task<ApiCreated<T>> CreateAsync<T>(T created, Func<TenantDb, Task> write, CancellationToken ct, int status = 201)
    {
        var body = ApiResponse.Data(http, created);
        return new ApiCreated<T>(await idempotency.RunAsync(Key, status, async db =>
        {
            await write(db);
            return body;
        }, ct));
    }

    /// <summary>As <see cref="CreateAsync{T}(T, Func{TenantDb, Task}, CancellationToken, int)"/>, with a <c>meta</c> the write adds to (a patient create's possible duplicates); 201.</summary>
    public async Task<ApiCreated<T>> CreateWithMetaAsync<T>(T created, Func<TenantDb, Meta, Task<Meta>> write, CancellationToken ct) =>
        new(await idempotency.RunAsync(Key, 201, async db => ApiResponse.Data(http, created, await write(db, new Meta(RequestIds.Get(http)))), ct));

    /// <summary>Creates a record only complete inside the transaction (it learns its episode there); 201.</summary>
    public async Task<ApiCreated<T>> CreateAsync<T>(Func<TenantDb, Task<T>> create, CancellationToken ct, int status = 201) =>
        new(await idempotency.RunAsync(Key, status, async db => ApiResponse.Data(http, await create(db)), ct));

    /// <summary>An action on an existing record (cancel, close, confirm...): 200 with the record as the action left it.</summary>
    public async Task<ApiActed<T>> ActAsync<T>(Func<TenantDb, Task<T>> act, CancellationToken ct) =>
        new(await idempotency.RunAsync(Key, 200, async db => ApiResponse.Data(http, await act(db)), ct));

    /// <summary>A change whose answer is rendered in another format (the FHIR facade's), stored with the key like any other.</summary>
    public async Task<StoredAnswer> RunAsync(int status, string contentType, Func<TenantDb, Task<byte[]>> write, CancellationToken ct) =>
        await idempotency.RunAsync(Key, status, write, ct) with { ContentType = contentType };

    /// <summary>Minimal API binding: reads the body and the key of the authenticated caller's request.</summary>
    public static async ValueTask<WriteRequest?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var db = TenantDb.For(context);
        var services = context.RequestServices;
        var body = await JsonBody.ReadAsync(context.Request, context.RequestAborted);
        return new WriteRequest(context, services.GetRequiredService<Idempotency>(), body, Idempotency.Describe(context, db, body));
    }
}

/// <summary>
/// Marks an endpoint whose requests honour <c>Idempotency-Key</c> (its handler takes a <see cref="WriteRequest"/>);
/// <see cref="ContentType"/> is the media type its answers, and so its replays, are sent as.
/// </summary>
public sealed record IdempotentEndpoint(string ContentType);

public static class IdempotencyEndpoints
{
    /// <summary>
    /// The endpoint honours Idempotency-Key: a request repeating a key (with the same body) gets the first answer
    /// again, replayed before the handler runs; with another body, 409.
    /// </summary>
    public static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder builder, string contentType = ApiResponse.JsonContentType) =>
        builder.WithMetadata(new IdempotentEndpoint(contentType)).AddEndpointFilter(async (context, next) =>
        {
            var request = context.Arguments.OfType<WriteRequest>().SingleOrDefault()
                ?? throw new InvalidOperationException($"An idempotent endpoint's handler takes a {nameof(WriteRequest)}.");
            var idempotency = context.HttpContext.RequestServices.GetRequiredService<Idempotency>();
            return await idempotency.FindReplayAsync(request.Key, context.HttpContext.RequestAborted) is { } replay
                ? replay with { ContentType = contentType }
                : await next(context);
        });
}
