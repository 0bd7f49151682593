namespace Leap.Client;

/// <summary>The error codes the API sends in <c>error.code</c>. Codes are strings, so new ones may appear.</summary>
public static class LeapErrorCodes
{
    /// <summary>400: malformed request (bad JSON, unknown query parameter, bad Idempotency-Key).</summary>
    public const string BadRequest = "BAD_REQUEST";
    /// <summary>401: missing, unknown or revoked API key.</summary>
    public const string Unauthorised = "UNAUTHORISED";
    /// <summary>403: the API key lacks the scope the endpoint needs.</summary>
    public const string Forbidden = "FORBIDDEN";
    /// <summary>404: no such record in this organisation and mode, or no such endpoint.</summary>
    public const string NotFound = "NOT_FOUND";
    /// <summary>405: the method is not allowed on this path.</summary>
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    /// <summary>409: an Idempotency-Key reused with another body, a concurrent change, or a record in use.</summary>
    public const string Conflict = "CONFLICT";
    /// <summary>409: the clinician is not free at that time; see <see cref="LeapApiException.ConflictingAppointmentId"/>.</summary>
    public const string SlotUnavailable = "SLOT_UNAVAILABLE";
    /// <summary>409: occurrences of a new series clash and nothing was booked; see <see cref="LeapError.SeriesConflicts"/>.</summary>
    public const string SeriesConflict = "SERIES_CONFLICT";
    /// <summary>409: every seat of the group appointment is taken.</summary>
    public const string SessionFull = "SESSION_FULL";
    /// <summary>409: the record's status does not allow the action (cancelling a cancelled appointment, for example).</summary>
    public const string InvalidState = "INVALID_STATE";
    /// <summary>409: a new patient looks like one already there; see <see cref="LeapApiException.CandidateIds"/> and <see cref="LeapDuplicatePatientException"/>.</summary>
    public const string DuplicatePatient = "DUPLICATE_PATIENT";
    /// <summary>413: the request body is too large.</summary>
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    /// <summary>415: the request body is not JSON.</summary>
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    /// <summary>422: one or more fields are invalid; see <see cref="LeapApiException.Details"/>.</summary>
    public const string ValidationError = "VALIDATION_ERROR";
    /// <summary>429: the key's hourly request budget is spent.</summary>
    public const string RateLimited = "RATE_LIMITED";
    /// <summary>500: the server failed.</summary>
    public const string InternalError = "INTERNAL_ERROR";
    /// <summary>503: other requests kept changing the same records; nothing was changed, retry after <see cref="LeapApiException.RetryAfter"/>.</summary>
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";
}

/// <summary>One invalid field of a request, as listed in <c>error.details</c>.</summary>
/// <param name="Field">The field (or query parameter, or header) as the request named it.</param>
/// <param name="Message">What is wrong with it.</param>
public sealed record LeapFieldError(string Field, string Message);

/// <summary>The content of an error response: <c>error</c> plus <c>meta.request_id</c> and the HTTP status.</summary>
public sealed record LeapError
{
    /// <summary>The HTTP status code.</summary>
    public required int Status { get; init; }

    /// <summary>
    /// <c>error.code</c>, e.g. <see cref="LeapErrorCodes.ValidationError"/>. When the response carried no code
    /// (a proxy's error page, say) it is <c>HTTP_</c> followed by the status.
    /// </summary>
    public required string Code { get; init; }

    /// <summary><c>error.message</c>: meant for developers, not for end users.</summary>
    public required string Message { get; init; }

    /// <summary><c>error.details</c>: every invalid field, when the server listed them.</summary>
    public IReadOnlyList<LeapFieldError> Details { get; init; } = [];

    /// <summary><c>meta.request_id</c> (or the <c>X-Request-Id</c> header): quote it when reporting a problem.</summary>
    public string? RequestId { get; init; }

    /// <summary>On <see cref="LeapErrorCodes.SlotUnavailable"/>: the appointment already holding the time, when known.</summary>
    public string? ConflictingAppointmentId { get; init; }

    /// <summary>Ids of candidate records the server suggests, when it sends any.</summary>
    public IReadOnlyList<string> CandidateIds { get; init; } = [];

    /// <summary>On <see cref="LeapErrorCodes.SeriesConflict"/> (<c>error.details.conflicts</c>): each clashing occurrence and what takes its time.</summary>
    public IReadOnlyList<SeriesConflict> SeriesConflicts { get; init; } = [];

    /// <summary>On a directory edit refused with <see cref="LeapErrorCodes.Conflict"/>: the future appointments it would strand.</summary>
    public IReadOnlyList<string> StrandedAppointmentIds { get; init; } = [];
}

/// <summary>Base class of every exception the client throws about a call.</summary>
public class LeapException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LeapException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}

/// <summary>
/// The server answered with an error status. Catch a subclass to handle one kind of failure
/// (<see cref="LeapValidationException"/>, <see cref="LeapNotFoundException"/>, ...), or this class for all.
/// </summary>
public class LeapApiException : LeapException
{
    /// <summary>Creates the exception for an error response.</summary>
    /// <param name="error">What the server said.</param>
    /// <param name="attempts">How many times the request was sent before giving up.</param>
    /// <param name="retryAfter">The response's <c>Retry-After</c>, if it had one.</param>
    public LeapApiException(LeapError error, int attempts = 1, TimeSpan? retryAfter = null) : base(error.Message)
    {
        Error = error;
        Attempts = attempts;
        RetryAfter = retryAfter;
    }

    /// <summary>Everything the error response said.</summary>
    public LeapError Error { get; }

    /// <summary>The HTTP status code.</summary>
    public int Status => Error.Status;

    /// <summary>The API's error code, e.g. <c>VALIDATION_ERROR</c>; see <see cref="LeapErrorCodes"/>.</summary>
    public string Code => Error.Code;

    /// <summary>The invalid fields, when the server listed them.</summary>
    public IReadOnlyList<LeapFieldError> Details => Error.Details;

    /// <summary>The request id to quote when reporting a problem.</summary>
    public string? RequestId => Error.RequestId;

    /// <summary>On a clash: the appointment already holding the time, when known.</summary>
    public string? ConflictingAppointmentId => Error.ConflictingAppointmentId;

    /// <summary>Candidate record ids the server suggests, when it sends any.</summary>
    public IReadOnlyList<string> CandidateIds => Error.CandidateIds;

    /// <summary>
    /// A directory edit refused because it would strand future appointments (leave them outside working time): their ids.
    /// Move or cancel them, or repeat the edit with <c>force</c>.
    /// </summary>
    public IReadOnlyList<string> StrandedAppointmentIds => Error.StrandedAppointmentIds;

    /// <summary>How many times the request was sent (1 when it was not retried).</summary>
    public int Attempts { get; }

    /// <summary>How long the server asked the client to wait before trying again, if it said.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{GetType().FullName}: {Status} {Code}: {Message} (request {RequestId ?? "unknown"}, {Attempts} attempt{(Attempts == 1 ? "" : "s")})" +
        string.Concat(Details.Select(d => $"{Environment.NewLine}  {d.Field}: {d.Message}")) +
        Environment.NewLine + StackTrace;

    /// <summary>The exception type that fits an error response.</summary>
    public static LeapApiException For(LeapError error, int attempts = 1, TimeSpan? retryAfter = null) => error.Status switch
    {
        400 => new LeapBadRequestException(error, attempts, retryAfter),
        401 => new LeapAuthenticationException(error, attempts, retryAfter),
        403 => new LeapPermissionException(error, attempts, retryAfter),
        404 => new LeapNotFoundException(error, attempts, retryAfter),
        409 when error.Code == LeapErrorCodes.SlotUnavailable => new LeapSlotUnavailableException(error, attempts, retryAfter),
        409 when error.Code == LeapErrorCodes.DuplicatePatient => new LeapDuplicatePatientException(error, attempts, retryAfter),
        409 => new LeapConflictException(error, attempts, retryAfter),
        422 => new LeapValidationException(error, attempts, retryAfter),
        429 => new LeapRateLimitException(error, attempts, retryAfter),
        >= 500 => new LeapServerException(error, attempts, retryAfter),
        _ => new LeapApiException(error, attempts, retryAfter),
    };
}

/// <summary>400: the request itself is malformed (for example an unusable Idempotency-Key).</summary>
public sealed class LeapBadRequestException(LeapError error, int attempts = 1, TimeSpan? retryAfter = null)
    : LeapApiException(error, attempts, retryAfter);

/// <summary>401: the API key is missing, unknown or revoked.</summary>
public sealed class LeapAuthenticationException(LeapError error, int attempts = 1, TimeSpan? retryAfter = null)
    : LeapApiException(error, attempts, retryAfter);

/// <summary>403: the API key lacks the scope this endpoint needs (the message names it).</summary>
public sealed class LeapPermissionException(LeapError error, int attempts = 1, TimeSpan? retryAfter = null)
    : LeapApiException(error, attempts, retryAfter);

/// <summary>404: no such record for this key's organisation and mode (or no such endpoint on this server).</summary>
public sealed class LeapNotFoundException(LeapError error, int attempts = 1, TimeSpan? retryAfter = null)
    : LeapApiException(error, attempts, retryAfter);

/// <summary>
/// 409: the request conflicts with the current state: an Idempotency-Key reused with a different body
/// (<see cref="LeapErrorCodes.Conflict"/>), an action the record's status does not allow
/// (<see cref="LeapErrorCodes.InvalidState"/>), or a change to a template that is in use.
/// </summary>
public class LeapConflictException(LeapError error, int attempts = 1, TimeSpan? retryAfter = null)
    : LeapApiException(error, attempts, retryAfter);

/// <summary>
/// 409 <see cref="LeapErrorCodes.SlotUnavailable"/>: the clinician is already booked at that time.
/// <see cref="LeapApiException.ConflictingAppointmentId"/> names the clashing appointment when known.
/// </summary>
public sealed class LeapSlotUnavailableException(LeapError error, int attempts = 1, TimeSpan? retryAfter = null)
    : LeapConflictException(error, attempts, retryAfter);

/// <summary>
/// 409 <see cref="LeapErrorCodes.DuplicatePatient"/>: a patient create (or an upsert that would create) looks like
/// patients already there (same name and date of birth, or NHS number). <see cref="LeapApiException.CandidateIds"/>
/// lists them (up to 10): use one, or send the create again with <see cref="PatientCreate.Force"/> when it really is
/// another person.
/// </summary>
public sealed class LeapDuplicatePatientException(LeapError error, int attempts = 1, TimeSpan? retryAfter = null)
    : LeapConflictException(error, attempts, retryAfter);

/// <summary>422: fields are invalid; <see cref="LeapApiException.Details"/> lists every one.</summary>
public sealed class LeapValidationException(LeapError error, int attempts = 1, TimeSpan? retryAfter = null)
    : LeapApiException(error, attempts, retryAfter);

/// <summary>
/// 429: the key's request budget is spent, and waiting for it was not possible within the client's retry
/// budget. <see cref="LeapApiException.RetryAfter"/> says when the budget resets.
/// </summary>
public sealed class LeapRateLimitException(LeapError error, int attempts = 1, TimeSpan? retryAfter = null)
    : LeapApiException(error, attempts, retryAfter);

/// <summary>5xx: the server failed, and kept failing for every retry.</summary>
public sealed class LeapServerException(LeapError error, int attempts = 1, TimeSpan? retryAfter = null)
    : LeapApiException(error, attempts, retryAfter);

/// <summary>No response arrived (connection failure or timeout) on any attempt. The inner exception is the last failure.</summary>
public sealed class LeapConnectionException(string message, int attempts, Exception innerException)
    : LeapException(message, innerException)
{
    /// <summary>How many times the request was sent.</summary>
    public int Attempts { get; } = attempts;
}
