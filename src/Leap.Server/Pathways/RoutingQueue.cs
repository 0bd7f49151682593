using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Leap.Server.Accounts;
using Leap.Server.Storage;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Leap.Server.Pathways;

/// <summary>
/// The routing queue (table <c>routing_queue</c>, docs/appointments.md "Routing"): a change of an appointment or a
/// questionnaire response writes one row in its own transaction, with the record as it was after (and before) the
/// change; <see cref="RoutingWorker"/> later files the change on the patient's episodes and records its webhook event,
/// in a transaction that deletes the row. So the routing exists exactly when the change does (a crash before the
/// commit loses both, after it neither) and happens once.
/// </summary>
public sealed class RoutingQueue(IOptions<JsonOptions> json, TimeProvider clock)
{
    public const string Appointment = "appointment";
    public const string QuestionnaireResponse = "questionnaire_response";
    /// <summary>A clinician's block removed: the time it freed is offered to the waitlist when routed (docs/waitlist.md).</summary>
    public const string ClinicianBlock = "clinician_block";
    public const string BlockRemoved = "clinician_block.removed";

    /// <summary>How many batches' worth of the queue's front a claim looks at (<see cref="ClaimAsync"/>).</summary>
    public const int ClaimWindow = 8;

    private readonly JsonSerializerOptions options = json.Value.SerializerOptions;
    private readonly SemaphoreSlim signal = new(0, 1);

    /// <summary>A queued change, as the worker claims it.</summary>
    public sealed record Entry
    {
        public long Seq { get; init; }
        public required string OrgId { get; init; }
        public required string Mode { get; init; }
        public string? PatientId { get; init; }
        public required string SubjectType { get; init; }
        public required string SubjectId { get; init; }
        /// <summary>The webhook event type of the change (<c>appointment.created</c>...), which also names its trigger.</summary>
        public required string Change { get; init; }
        public required string AfterJson { get; init; }
        public string? BeforeJson { get; init; }
        public int Attempts { get; init; }
        public string? ActorType { get; init; }
        public string? ActorId { get; init; }

        /// <summary>Who made the change: its routing (and webhook event) is recorded as theirs.</summary>
        public Actor Actor => Actor.From(ActorType, ActorId);
    }

    /// <summary>
    /// Queues the routing of a change, inside the change's write (its statement goes with the write's next one); wakes
    /// this process's worker once the write is committed.
    /// </summary>
    public async Task EnqueueAsync<T>(TenantDb db, string subjectType, string subjectId, string? patientId, string change,
        T after, T? before, CancellationToken ct) where T : class
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        await db.ExecuteBatchedAsync(
            $"""
            INSERT INTO routing_queue ({TenantSql.Columns}, patient_id, subject_type, subject_id, change, after_json, before_json, attempts, due_at, created_at, actor_type, actor_id)
            VALUES ({TenantSql.Values}, @patientId, @subjectType, @subjectId, @change, @afterJson, @beforeJson, 0, @now, @now, @actorType, @actorId)
            """,
            new
            {
                patientId, subjectType, subjectId, change, afterJson = Write(after), beforeJson = before is null ? null : Write(before), now,
                actorType = db.Actor.Type, actorId = db.Actor.Id,
            }, ct);
        WriteScope.AfterCommit(Wake);
    }

    public T Read<T>(string json) => JsonSerializer.Deserialize(json, TypeInfo<T>())!;

    private string Write<T>(T value) => JsonSerializer.Serialize(value, TypeInfo<T>());

    private JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));

    /// <summary>Wakes one waiting worker of this process (a committed change is queued); a worker already awake runs again.</summary>
    public void Wake()
    {
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the next worker to wait finds it set.
        }
    }

    /// <summary>Waits until <see cref="Wake"/> or the timeout (the fallback for rows queued by other processes, or due again).</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => signal.WaitAsync(timeout, ct);

    /// <summary>
    /// Takes up to <paramref name="limit"/> due rows (across every tenant: the worker serves them all), oldest first,
    /// each the next of its patient and of its record: no earlier row of either is still queued (being routed, or
    /// waiting to be tried again after a failure). So one patient's changes are routed one after another, in order,
    /// however many workers run. On PostgreSQL the rows are locked until the claiming transaction ends and
    /// <c>SKIP LOCKED</c> passes over rows another worker holds, so workers of several processes share the queue and
    /// never take the same row; a row whose worker died is free again when its transaction is rolled back.
    /// </summary>
    /// <remarks>
    /// Only the first <see cref="ClaimWindow"/> × <paramref name="limit"/> due rows from <paramref name="fromSeq"/> on are
    /// looked at (see <see cref="RoutingWorker"/> for why not always from the start). Without the window a claim read the
    /// whole backlog whenever the rows at its front were taken: behind each row another worker holds wait that patient's
    /// later rows, so a second worker found nothing to take after walking thousands of rows (about 20 ms a claim under
    /// booking load on PostgreSQL, and routing fell behind). With it a claim costs the same however long the queue is;
    /// what lies beyond the window waits for the rows before it.
    /// </remarks>
    public static Task<IReadOnlyList<Entry>> ClaimAsync(CrossTenantDb db, int limit, DateTimeOffset now, CancellationToken ct, long fromSeq = 0)
    {
        var skipLocked = db.Engine == Engine.Postgres ? " FOR UPDATE OF q SKIP LOCKED" : "";
        return db.ListAsync<Entry>(
            $"""
            WITH front AS MATERIALIZED (
              SELECT seq FROM routing_queue WHERE seq >= @fromSeq AND due_at <= @now ORDER BY seq LIMIT @window)
            SELECT q.seq, q.org_id, q.mode, q.patient_id, q.subject_type, q.subject_id, q.change, q.after_json, q.before_json, q.attempts,
                   q.actor_type, q.actor_id
            FROM routing_queue q JOIN front f ON f.seq = q.seq
            WHERE NOT EXISTS (SELECT 1 FROM routing_queue e WHERE e.patient_id = q.patient_id AND e.seq < q.seq)
              AND NOT EXISTS (SELECT 1 FROM routing_queue e WHERE e.subject_id = q.subject_id AND e.seq < q.seq)
            ORDER BY q.seq LIMIT @limit{skipLocked}
            """,
            new { now, limit, fromSeq, window = limit * ClaimWindow }, ct);
    }

    /// <summary>The row is routed: gone with the transaction that routed it.</summary>
    public static Task DoneAsync(TenantDb db, long seq, CancellationToken ct) =>
        db.ExecuteBatchedAsync($"DELETE FROM routing_queue WHERE seq = @seq AND {TenantSql.Filter}", new { seq }, ct);

    /// <summary>
    /// Routing the row failed (not for contention: that is retried in place): it is tried again at <paramref name="due"/>;
    /// its patient's later rows wait behind it, so their order holds.
    /// </summary>
    public static Task<int> PostponeAsync(CrossTenantDb db, long seq, string error, DateTimeOffset due, CancellationToken ct) =>
        db.WriteAsync(
            "UPDATE routing_queue SET attempts = attempts + 1, last_error = @error, due_at = @due WHERE seq = @seq",
            new { seq, error, due }, ct);
}
