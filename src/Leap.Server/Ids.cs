namespace Leap.Server;

/// <summary>
/// Resource ids: a type prefix plus a UUIDv7 (time-ordered, so ids sort by creation and index well).
/// </summary>
public static class Ids
{
    // Unix milliseconds << 12 | a 12-bit counter: the last id's time and sequence (RFC 9562, method 3).
    private static long lastState;

    public const string Organisation = "org_";
    public const string ApiKey = "key_";
    public const string Patient = "pat_";
    public const string AppointmentTemplate = "tmpl_";
    public const string Appointment = "apt_";
    public const string Clinician = "cli_";
    public const string Location = "loc_";
    public const string Episode = "ep_";
    /// <summary>Episode events and webhook events share Jump's <c>evt_</c> prefix; their ids never collide.</summary>
    public const string Event = "evt_";
    public const string PathwayRule = "rule_";
    public const string Questionnaire = "q_";
    public const string QuestionnaireTemplate = "qt_";
    public const string QuestionnaireResponse = "qr_";
    public const string WebhookEndpoint = "wh_";
    public const string WebhookDelivery = "whd_";
    public const string WebhookDeliveryAttempt = "wha_";
    public const string Session = "ses_";
    public const string Block = "blk_";
    public const string Closure = "clo_";
    public const string Hold = "hold_";
    public const string User = "usr_";
    public const string Notification = "ntf_";
    /// <summary>Consultations: the public id is a bare UUID, <c>consultation_id</c> the same UUID with this prefix (as Jump shows them).</summary>
    public const string Consultation = "con_";
    public const string Amendment = "amd_";
    public const string AuditEvent = "aud_";
    public const string Series = "ser_";
    public const string CalendarFeed = "calf_";
    public const string WaitlistEntry = "wl_";
    public const string Participant = "par_";
    public const string Resource = "res_";

    public static string New(string prefix) => prefix + NewUuidV7().ToString();

    /// <summary>
    /// A UUIDv7 that is strictly greater than the previous one from this process, even within one
    /// millisecond (Guid.CreateVersion7 fills that part randomly), so lists ordered by id follow creation.
    /// </summary>
    public static Guid NewUuidV7()
    {
        long state;
        while (true)
        {
            var previous = Volatile.Read(ref lastState);
            state = Math.Max(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 12, previous + 1);
            if (Interlocked.CompareExchange(ref lastState, state, previous) == previous)
            {
                break;
            }
        }
        Span<byte> bytes = stackalloc byte[16];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes[8..]);
        var milliseconds = state >> 12;
        var counter = (int)(state & 0xFFF);
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(milliseconds >> (40 - 8 * i));
        }
        bytes[6] = (byte)(0x70 | (counter >> 8));
        bytes[7] = (byte)counter;
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>True when <paramref name="id"/> has the prefix followed by a UUID, the only shape we issue.</summary>
    public static bool IsWellFormed(string id, string prefix) =>
        id.StartsWith(prefix, StringComparison.Ordinal) && id.Length == prefix.Length + 36 && Guid.TryParse(id.AsSpan(prefix.Length), out _);

    /// <summary>
    /// Jump's examples show some ids as bare UUIDs: one given without its prefix gets it, so it reads as the
    /// prefixed id we issue (answers always carry the prefix; docs/api-conventions.md). Anything else is unchanged.
    /// </summary>
    public static string WithPrefix(string id, string prefix) =>
        id.Length == 36 && Guid.TryParseExact(id, "D", out var uuid) ? prefix + uuid.ToString() : id;
}
