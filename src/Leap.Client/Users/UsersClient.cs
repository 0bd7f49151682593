using System.Text.Json;
using Leap.Client.Http;

namespace Leap.Client;

/// <summary><c>/users</c>: the organisation's staff accounts (scope <c>manage_users</c>).</summary>
public sealed class UsersClient
{
    private readonly RecordEndpoints<User> endpoints;

    internal UsersClient(LeapTransport transport) =>
        endpoints = new(transport, "users", LeapJsonContext.Default.DataEnvelopeUser, LeapJsonContext.Default.ListEnvelopeUser);

    /// <summary>One page of users (<c>GET /users</c>).</summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<LeapPage<User>> ListAsync(UserListQuery? query = null, CancellationToken ct = default) => endpoints.ListAsync(query ?? new(), ct);

    /// <summary>One user (<c>GET /users/{id}</c>).</summary>
    /// <param name="id">The user's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such user for this key.</exception>
    public Task<User> GetAsync(string id, CancellationToken ct = default) => endpoints.GetAsync(id, ct);

    /// <summary>Creates a user (<c>POST /users</c>).</summary>
    /// <param name="user">The new account.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>; a new UUID when null. Retries of this call always repeat it.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException">The organisation already has a user with this email.</exception>
    public Task<User> CreateAsync(UserCreate user, string? idempotencyKey = null, CancellationToken ct = default) =>
        endpoints.CreateAsync(user, LeapJsonContext.Default.UserCreate, idempotencyKey, ct);

    /// <summary>Changes name, role, clinician link or the disabled flag (<c>PATCH /users/{id}</c>).</summary>
    /// <param name="id">The user's id.</param>
    /// <param name="changes">The fields to change.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<User> UpdateAsync(string id, UserUpdate changes, CancellationToken ct = default) => endpoints.UpdateAsync(id, changes, ct);

    /// <summary>Sets a new password, lifts a lockout and ends the user's sessions (<c>POST /users/{id}/reset-password</c>).</summary>
    /// <param name="id">The user's id.</param>
    /// <param name="reset">The new password.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<User> ResetPasswordAsync(string id, UserPasswordReset reset, CancellationToken ct = default) =>
        endpoints.ActionAsync(id, "reset-password", ct, JsonSerializer.SerializeToUtf8Bytes(reset, LeapJsonContext.Default.UserPasswordReset));
}
