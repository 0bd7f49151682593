namespace Leap.Server.Http;

/// <summary>Every error code the API emits, with its HTTP status. One list, so docs and code cannot drift.</summary>
public static class ErrorCodes
{
    public const string BadRequest = "BAD_REQUEST";
    public const string Unauthorised = "UNAUTHORISED";
    public const string Forbidden = "FORBIDDEN";
    public const string NotFound = "NOT_FOUND";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string Conflict = "CONFLICT";
    public const string SlotUnavailable = "SLOT_UNAVAILABLE";
    public const string SeriesConflict = "SERIES_CONFLICT";
    public const string SessionFull = "SESSION_FULL";
    public const string InvalidState = "INVALID_STATE";
    public const string DuplicatePatient = "DUPLICATE_PATIENT";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string RequestTimeout = "REQUEST_TIMEOUT";
    public const string UriTooLong = "URI_TOO_LONG";
    public const string HeadersTooLarge = "HEADERS_TOO_LARGE";
    public const string HttpVersionNotSupported = "HTTP_VERSION_NOT_SUPPORTED";
    public const string ValidationError = "VALIDATION_ERROR";
    public const string RateLimited = "RATE_LIMITED";
    public const string InternalError = "INTERNAL_ERROR";
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";

    public static string ForStatus(int status) => status switch
    {
        400 => BadRequest,
        401 => Unauthorised,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        408 => RequestTimeout,
        409 => Conflict,
        413 => PayloadTooLarge,
        414 => UriTooLong,
        415 => UnsupportedMediaType,
        431 => HeadersTooLarge,
        422 => ValidationError,
        429 => RateLimited,
        503 => ServiceUnavailable,
        505 => HttpVersionNotSupported,
        _ => InternalError,
    };
}

/// <summary>
/// A failure the client can act on. Thrown anywhere below a handler and turned into the error envelope
/// by <see cref="ErrorHandling"/>, so handlers read as the happy path.
/// </summary>
public sealed class ApiException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public IReadOnlyList<FieldError>? Details { get; init; }
    /// <summary><c>error.details</c> as an object of the code's own instead of <see cref="Details"/> (a <c>SERIES_CONFLICT</c>'s conflicts).</summary>
    public object? DetailsObject { get; init; }
    public string? ConflictingAppointmentId { get; init; }
    public IReadOnlyList<string>? CandidateIds { get; init; }
    public IReadOnlyList<string>? StrandedAppointmentIds { get; init; }
    public TimeSpan? RetryAfter { get; init; }

    public ErrorBody ToBody() => new(Code, Message, DetailsObject ?? Details?.ToArray(), ConflictingAppointmentId, CandidateIds, StrandedAppointmentIds);

    public static ApiException NotFound(string what, string id) =>
        new(404, ErrorCodes.NotFound, $"No {what} with id '{id}' exists.");

    public static ApiException BadRequest(string message, IReadOnlyList<FieldError>? details = null) =>
        new(400, ErrorCodes.BadRequest, message) { Details = details };

    public static ApiException Conflict(string message) => new(409, ErrorCodes.Conflict, message);

    public static ApiException Validation(IReadOnlyList<FieldError> details) =>
        new(422, ErrorCodes.ValidationError, details.Count == 1
            ? $"Invalid field '{details[0].Field}': {details[0].Message}"
            : $"{details.Count} fields are invalid; see error.details.")
        { Details = details };
}
