using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// The client for the Leap API (and Jump's, which it is wire-compatible with). One property per resource:
/// <code>
/// using var leap = new LeapClient("http://127.0.0.1:5080/api/v1", "pk_test_…");
/// await foreach (var template in leap.AppointmentTemplates.ListAllAsync(new() { IsActive = true }))
///     Console.WriteLine(template.Name);
/// </code>
/// Create one and reuse it: it is thread-safe and keeps its connections open.
/// </summary>
public sealed class LeapClient : IDisposable
{
    private readonly HttpClient? ownedHttp;

    /// <summary>A client for <paramref name="baseUrl"/> with default retry settings.</summary>
    /// <param name="baseUrl">The API root, e.g. <c>https://leap.example.org/api/v1</c> or <see cref="LeapClientOptions.JumpBaseUrl"/>.</param>
    /// <param name="apiKey">The API key.</param>
    public LeapClient(string baseUrl, string apiKey)
        : this(new LeapClientOptions { BaseUrl = new Uri(baseUrl), ApiKey = apiKey })
    {
    }

    /// <summary>A client with its own connection pool, closed by <see cref="Dispose"/>.</summary>
    /// <param name="options">Base URL, key and retry settings.</param>
    public LeapClient(LeapClientOptions options)
        : this(CreateHttpClient(options), options, ownsHttpClient: true)
    {
    }

    /// <summary>
    /// A client sending through <paramref name="httpClient"/> (from <c>IHttpClientFactory</c>, or with your own
    /// handlers). Its <c>BaseAddress</c> is not used, and it is not disposed with this client.
    /// </summary>
    /// <param name="httpClient">The HttpClient to send with.</param>
    /// <param name="options">Base URL, key and retry settings.</param>
    public LeapClient(HttpClient httpClient, LeapClientOptions options)
        : this(httpClient, options, ownsHttpClient: false)
    {
    }

    private LeapClient(HttpClient httpClient, LeapClientOptions options, bool ownsHttpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ownedHttp = ownsHttpClient ? httpClient : null;
        Options = options;
        var transport = new LeapTransport(httpClient, options);
        Patients = new PatientsClient(transport);
        AppointmentTemplates = new AppointmentTemplatesClient(transport);
        Appointments = new AppointmentsClient(transport);
        Availability = new AvailabilityClient(transport);
        ClinicianProfiles = new ClinicianProfilesClient(transport);
        Locations = new LocationsClient(transport);
        Resources = new ResourcesClient(transport);
        Holds = new HoldsClient(transport);
        AppointmentSeries = new AppointmentSeriesClient(transport);
        Episodes = new EpisodesClient(transport);
        PathwayRules = new PathwayRulesClient(transport);
        QuestionnaireTemplates = new QuestionnaireTemplatesClient(transport);
        QuestionnaireResponses = new QuestionnaireResponsesClient(transport);
        Webhooks = new WebhooksClient(transport);
        Users = new UsersClient(transport);
        Notifications = new NotificationsClient(transport);
        Organisation = new OrganisationClient(transport);
        Consultations = new ConsultationsClient(transport);
        Problems = new ClinicalEntriesClient(transport, "problems");
        Prescriptions = new ClinicalEntriesClient(transport, "prescriptions");
        Documents = new ClinicalEntriesClient(transport, "documents");
        AuditEvents = new AuditEventsClient(transport);
        CalendarFeeds = new CalendarFeedsClient(transport);
        Waitlist = new WaitlistClient(transport);
    }

    /// <summary>The settings this client was made with.</summary>
    public LeapClientOptions Options { get; }

    /// <summary><c>/patients</c>.</summary>
    public PatientsClient Patients { get; }

    /// <summary><c>/appointment-templates</c>.</summary>
    public AppointmentTemplatesClient AppointmentTemplates { get; }

    /// <summary><c>/appointments</c>.</summary>
    public AppointmentsClient Appointments { get; }

    /// <summary><c>/notification-settings</c> and <c>/message-templates</c>.</summary>
    public NotificationsClient Notifications { get; }

    /// <summary><c>/availability</c> (see the remarks on <see cref="AvailabilityClient"/>).</summary>
    public AvailabilityClient Availability { get; }

    /// <summary><c>/clinician-profiles</c>, with each clinician's sessions and blocks (read-only).</summary>
    public ClinicianProfilesClient ClinicianProfiles { get; }

    /// <summary><c>/locations</c> (read-only).</summary>
    public LocationsClient Locations { get; }

    /// <summary><c>/resources</c>: the rooms and equipment of each location.</summary>
    public ResourcesClient Resources { get; }

    /// <summary><c>/holds</c>: reserve a slot, then confirm it into an appointment or release it.</summary>
    public HoldsClient Holds { get; }

    /// <summary>Recurring series: book a course of appointments at once, read it, cancel all or the following.</summary>
    public AppointmentSeriesClient AppointmentSeries { get; }

    /// <summary><c>/episodes</c> and <c>/episode-events</c>: the inbox, its actions and each episode's timeline.</summary>
    public EpisodesClient Episodes { get; }

    /// <summary><c>/pathway-rules</c>: how appointment and questionnaire events become episodes.</summary>
    public PathwayRulesClient PathwayRules { get; }

    /// <summary><c>/questionnaire-templates</c>: the forms and their versions.</summary>
    public QuestionnaireTemplatesClient QuestionnaireTemplates { get; }

    /// <summary><c>/questionnaire-responses</c>.</summary>
    public QuestionnaireResponsesClient QuestionnaireResponses { get; }

    /// <summary><c>/webhooks</c>: endpoints, test events and delivery logs (scope <c>manage_webhooks</c>).</summary>
    public WebhooksClient Webhooks { get; }

    /// <summary><c>/users</c>: staff accounts (scope <c>manage_users</c>).</summary>
    public UsersClient Users { get; }

    /// <summary>The key's organisation and its public settings (online booking).</summary>
    public OrganisationClient Organisation { get; }
    /// <summary><c>/consultations</c> and the patient's longitudinal record (<c>/patients/{id}/observations</c>...).</summary>
    public ConsultationsClient Consultations { get; }

    /// <summary><c>/problems</c> (first generation): create, list, correct.</summary>
    public ClinicalEntriesClient Problems { get; }

    /// <summary><c>/prescriptions</c> (first generation): create, list, correct.</summary>
    public ClinicalEntriesClient Prescriptions { get; }

    /// <summary><c>/documents</c> (first generation): upload (the file as <see cref="ClinicalEntryWrite.Content"/>) and list.</summary>
    public ClinicalEntriesClient Documents { get; }

    /// <summary><c>/audit-events</c>: the access log (scope <c>read_audit</c>).</summary>
    public AuditEventsClient AuditEvents { get; }
    /// <summary><c>/calendar-feeds</c>: secret iCalendar URLs of a clinician's appointments (docs/ical.md).</summary>
    public CalendarFeedsClient CalendarFeeds { get; }
    /// <summary><c>/waitlist-entries</c>: patients waiting for freed slots, offered them automatically (docs/waitlist.md).</summary>
    public WaitlistClient Waitlist { get; }

    /// <summary>Closes the connection pool, if this client created it.</summary>
    public void Dispose() => ownedHttp?.Dispose();

    private static HttpClient CreateHttpClient(LeapClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        // Recycled connections pick up DNS changes. The client times each attempt itself (LeapClientOptions.Timeout).
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        return new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }
}
