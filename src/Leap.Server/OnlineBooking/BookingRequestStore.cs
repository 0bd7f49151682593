using System.Security.Cryptography;
using System.Text;
using Leap.Server.Storage;

namespace Leap.Server.OnlineBooking;

/// <summary>A booking waiting for its emailed code (table <c>booking_requests</c>).</summary>
public sealed record BookingRequest
{
    public required string Id { get; init; }
    public required string HoldId { get; init; }
    /// <summary>The patient's details as they were sent (JSON), kept only until the code is used or the request expires.</summary>
    public required string Details { get; init; }
    public required string CodeHash { get; init; }
    public int FailedAttempts { get; init; }
    public required string Status { get; init; }
    public string? AppointmentId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }

    public const string Prefix = "breq_";
    public const string Pending = "pending";
    public const string Confirmed = "confirmed";
    public const string Void = "void";

    /// <summary>Wrong codes a request survives; the next voids it.</summary>
    public const int MaxFailedAttempts = 5;

    /// <summary>A new 6-digit code.</summary>
    public static string NewCode() => RandomNumberGenerator.GetInt32(1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The stored form of a request's code (bound to the request, so one hash says nothing about another request's code).</summary>
    public static string Hash(string id, string code) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{id}:{code}")));

    public bool Matches(string code) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(Id, code.Trim())), Encoding.ASCII.GetBytes(CodeHash));
}

public static class BookingRequestStore
{
    private const string Columns = "id, hold_id, details, code_hash, failed_attempts, status, appointment_id, created_at, expires_at";

    public static Task<BookingRequest?> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<BookingRequest>($"SELECT {Columns} FROM booking_requests WHERE id = @id AND {TenantSql.Filter}", new { id }, ct);

    public static Task InsertAsync(TenantDb db, BookingRequest request, CancellationToken ct) =>
        db.ExecuteAsync(
            $"""
            INSERT INTO booking_requests ({TenantSql.Columns}, {Columns})
            VALUES ({TenantSql.Values}, @Id, @HoldId, @Details, @CodeHash, @FailedAttempts, @Status, @AppointmentId, @CreatedAt, @ExpiresAt)
            """,
            request, ct);

    /// <summary>Counts a wrong code; the last allowed one voids the request. The request as it now stands.</summary>
    public static Task<int> CountFailureAsync(TenantDb db, string id, CancellationToken ct) =>
        db.WriteAsync(write => write.ScalarAsync<int>(
            $"""
            UPDATE booking_requests SET failed_attempts = failed_attempts + 1,
              status = CASE WHEN failed_attempts + 1 >= {BookingRequest.MaxFailedAttempts} THEN '{BookingRequest.Void}' ELSE status END
            WHERE id = @id AND status = '{BookingRequest.Pending}' AND {TenantSql.Filter}
            RETURNING failed_attempts
            """, new { id }, ct), ct);

    /// <summary>Marks a pending request confirmed with its appointment, forgetting the details; false when it was no longer pending.</summary>
    public static async Task<bool> ConfirmAsync(TenantDb db, string id, string appointmentId, CancellationToken ct) =>
        await db.ExecuteAsync(
            $"""
            UPDATE booking_requests SET status = '{BookingRequest.Confirmed}', appointment_id = @appointmentId, details = ''
            WHERE id = @id AND status = '{BookingRequest.Pending}' AND {TenantSql.Filter}
            """, new { id, appointmentId }, ct) == 1;

    /// <summary>Forgets requests past their expiry, with the details patients sent (housekeeping).</summary>
    public static Task<int> PurgeExpiredAsync(CrossTenantDb db, DateTimeOffset now, CancellationToken ct) =>
        db.WriteAsync("DELETE FROM booking_requests WHERE expires_at <= @now", new { now }, ct);
}
