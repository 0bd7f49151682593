using Leap.Server.Storage;

namespace Leap.Server.Http;

/// <summary>
/// Idempotency-Key for creates (decisions in docs/idempotency.md). The key and the response are stored in
/// the same transaction that creates the record, so a record and its stored response exist together or not
/// at all, and a concurrent duplicate can only ever find the finished response:
/// <list type="bullet">
/// <item>PostgreSQL: the duplicate's claim (or an earlier constraint, such as the clinician's busy time)
/// waits until the first commits, then fails; its transaction is rolled back and it replays.</item>
/// <item>SQLite: writes are serialized, so the duplicate runs after the first and replays.</item>
/// </list>
/// Only successful results are stored: a failed create rolls its claim back, so a retry runs afresh.
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
    public async Task<ApiCreated<T>?> FindReplayAsync<T>(Request request, CancellationToken ct)
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
        return new ApiCreated<T>(stored.ResponseStatus ?? 201, stored.ResponseBody, replayed: true);
    }

    /// <summary>
    /// Writes <paramref name="created"/> (with <paramref name="write"/>) exactly once per key and returns the
    /// response (201 by default). The record is built before the transaction, so its response is serialized
    /// outside it.
    /// </summary>
    public Task<ApiCreated<T>> ExecuteAsync<T>(
        HttpContext http, Request request, T created, Func<TenantDb, Task> write, CancellationToken ct, int status = 201)
    {
        var body = ApiResponse.Data(http, created);
        return RunAsync<T>(request, async db =>
        {
            await write(db);
            return body;
        }, status, ct);
    }

    /// <summary>
    /// As above, for a record only complete inside the transaction (a booking learns its episode there): its
    /// response is serialized there.
    /// </summary>
    public Task<ApiCreated<T>> ExecuteAsync<T>(
        HttpContext http, Request request, Func<TenantDb, Task<T>> create, CancellationToken ct, int status = 201) =>
        RunAsync<T>(request, async db => ApiResponse.Data(http, await create(db)), status, ct);

    /// <summary>
    /// Creates the record, then claims the key with the finished response in one statement (the key row is
    /// written once, at its final size). A key already taken rolls the creation back and the request replays.
    /// </summary>
    private async Task<ApiCreated<T>> RunAsync<T>(Request request, Func<TenantDb, Task<byte[]>> write, int status, CancellationToken ct)
    {
        if (request.Key is null)
        {
            return new ApiCreated<T>(status, await request.Db.WriteAsync(write, ct), replayed: false);
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
                // A key already taken must undo this creation, hence an exception rather than a result.
                return claimed == 1 ? body : throw new ApiException(409, ErrorCodes.Conflict,
                    $"A request with this {Header} is still in progress. Retry shortly.") { RetryAfter = TimeSpan.FromSeconds(1) };
            }, ct);
            return new ApiCreated<T>(status, stored, replayed: false);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // The key was taken by a request that committed first (or a constraint it set off, such as the
            // clinician's busy time, refused this one): answer as it did, or 409 if its body differed.
            if (await FindReplayAsync<T>(request, ct) is { } replay)
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
