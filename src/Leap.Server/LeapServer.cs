using System.Text.Json.Serialization;
using Leap.Server.Accounts;
using Leap.Server.Appointments;
using Leap.Server.AppointmentTemplates;
using Leap.Server.Audit;
using Leap.Server.Availability;
using Leap.Server.Benchmark;
using Leap.Server.CalendarFeeds;
using Leap.Server.ClinicalRecord;
using Leap.Server.Clinicians;
using Leap.Server.Consultations;
using Leap.Server.Documents;
using Leap.Server.Episodes;
using Leap.Server.Fhir;
using Leap.Server.FirstGeneration;
using Leap.Server.Holds;
using Leap.Server.Http;
using Leap.Server.Locations;
using Leap.Server.Notifications;
using Leap.Server.OnlineBooking;
using Leap.Server.Organisations;
using Leap.Server.Participants;
using Leap.Server.Pathways;
using Leap.Server.Patients;
using Leap.Server.Questionnaires;
using Leap.Server.Resources;
using Leap.Server.Series;
using Leap.Server.StaffApp;
using Leap.Server.Storage;
using Leap.Server.Telemetry;
using Leap.Server.Users;
using Leap.Server.Waitlist;
using Leap.Server.Webhooks;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Leap.Server;

/// <summary>Wires the server together: services, the request pipeline and the API's routes.</summary>
public static class LeapServer
{
    public const string DocsPath = "/docs";

    private static readonly JsonSerializerContext[] JsonContexts =
    [
        HttpJsonContext.Default,
        PatientsJson.Default,
        AppointmentTemplatesJson.Default,
        LocationsJson.Default,
        CliniciansJson.Default,
        AppointmentsJson.Default,
        EpisodesJson.Default,
        PathwaysJson.Default,
        QuestionnairesJson.Default,
        WebhooksJson.Default,
        AvailabilityJson.Default,
        HoldsJson.Default,
        SeriesJson.Default,
        ParticipantsJson.Default,
        CalendarFeedsJson.Default,
        WaitlistJson.Default,
        UsersJson.Default,
        NotificationsJson.Default,
        OrganisationsJson.Default,
        OnlineBookingJson.Default,
        ClinicalJson.Default,
        ConsultationsJson.Default,
        AuditJson.Default,
        FirstGenerationJson.Default,
        ResourcesJson.Default,
    ];

    public static void AddLeap(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var storage = StorageOptions.From(builder.Configuration);
        services.AddSingleton(storage);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => Database.Create(storage, sp.GetRequiredService<ILoggerFactory>()));

        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.Converters.Add(new UtcTimestampConverter());
            options.SerializerOptions.TypeInfoResolverChain.Clear();
            foreach (var context in JsonContexts)
            {
                options.SerializerOptions.TypeInfoResolverChain.Add(context);
            }
        });

        services.AddSingleton<AccountStore>();
        services.AddSingleton<StaffSessions>();
        DatabaseKeyRepository.AddStaffAntiforgery(services);
        services.AddSingleton<ApiKeyAuthentication>();
        services.AddSingleton<ScopeAuthorization>();
        services.AddSingleton<RateLimiting>();
        services.AddSingleton<ErrorHandling>();
        services.AddSingleton<Idempotency>();
        // Started first: the workers below may answer with manage links as soon as they start.
        services.AddSingleton<ManageLinks>();
        services.AddSingleton<IManageLinks>(sp => sp.GetRequiredService<ManageLinks>());
        services.AddHostedService(sp => sp.GetRequiredService<ManageLinks>());
        services.AddSingleton(AuditOptions.From(builder.Configuration));
        services.AddSingleton<AccessLog>();
        services.AddHostedService(sp => sp.GetRequiredService<AccessLog>());
        services.AddSingleton(DocumentOptions.From(builder.Configuration));
        services.AddSingleton<Housekeeping>();
        services.AddHostedService(sp => sp.GetRequiredService<Housekeeping>());
        // One server counts requests in memory; several processes on PostgreSQL must share the counts.
        if (builder.Configuration.GetValue<bool?>("RateLimiting:Shared") ?? storage.Provider == Engine.Postgres)
        {
            services.AddSingleton<IRateLimitCounter, DatabaseRateLimitCounter>();
        }
        else
        {
            services.AddSingleton<IRateLimitCounter, MemoryRateLimitCounter>();
        }
        services.AddSingleton<AppointmentEvents>();
        services.AddSingleton<QuestionnaireEvents>();
        services.AddSingleton<RoutingQueue>();
        services.AddSingleton(RoutingOptions.From(builder.Configuration, storage));
        services.AddSingleton<RoutingWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<RoutingWorker>());
        services.AddSingleton<EpisodeJournal>();
        services.AddSingleton<PathwayEngine>();
        services.AddSingleton(WebhookOptions.From(builder.Configuration));
        services.AddSingleton<WebhookOutbox>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddSingleton<AvailabilityService>();
        services.AddSingleton<WaitlistOffers>();
        services.AddSingleton<WaitlistWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<WaitlistWorker>());
        services.AddSingleton(EmailOptions.Read(builder.Configuration, storage));
        services.AddSingleton(sp => IEmailTransport.Create(sp.GetRequiredService<EmailOptions>()));
        services.AddSingleton(NotificationOptions.From(builder.Configuration));
        services.AddSingleton<NotificationWorkerSignal>();
        services.AddSingleton<RequestLoad>();
        services.AddSingleton<NotificationPlanner>();
        services.AddSingleton<NotificationWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationWorker>());
        services.AddSingleton(PatientRateLimits.From(builder.Configuration));
        services.AddSingleton<PatientAccess>();
        builder.AddTelemetry();

        services.AddOpenApi(options => options.AddOperationTransformer(RequestShapes.Describe).AddOperationTransformer(AuthEndpointExtensions.DescribeSecurity)
            .AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Leap API",
                Version = "v1",
                Description = "Scheduling and clinical-workflow API, wire-compatible with the Jump EHR API v1. " +
                              "Every path also answers under /functions/v1/api-v1.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[AuthEndpointExtensions.SecurityScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key: pk_live_… or pk_test_…",
            };
            return Task.CompletedTask;
        }));

        builder.ConfigureTransport();
        builder.AddGracefulShutdown();
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        // Data Protection warns that keys are stored unencrypted: they are, in the database (docs/staff-accounts.md).
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
    }

    public static void UseLeap(this WebApplication app)
    {
        app.LogShutdown();
        app.UseReverseProxy();
        app.Use(RequestIds.Middleware);
        app.Use(app.Services.GetRequiredService<RequestLoad>().Middleware);
        app.UseMiddleware<ErrorHandling>();
        app.UseBookingPage();
        app.Use(ApiPaths.RewriteJumpAlias);
        app.Use(ApiPaths.PrefixBareIds);
        app.UseRouting();
        app.UseMiddleware<ApiKeyAuthentication>();
        app.UseMiddleware<RateLimiting>();
        app.UseMiddleware<PatientAccess>();
        app.UseMiddleware<ScopeAuthorization>();

        app.MapHealth();
        // Liveness without touching the database: also the benchmark's same-run baseline endpoint.
        app.MapGet("/livez", () => Api.Ok(new HealthStatus("ok", null))).ExcludeFromDescription();
        app.MapOpenApi();
        app.MapScalarApiReference(DocsPath, ConfigureDocs);
        app.MapGet("/", () => Results.Redirect(DocsPath)).ExcludeFromDescription();
        app.MapStaffApp();

        var api = app.MapGroup(ApiPaths.Root);
        api.MapPatients();
        api.MapAppointmentTemplates();
        api.MapAppointments();
        api.MapEpisodes();
        api.MapPathwayRules();
        api.MapQuestionnaires();
        api.MapWebhooks();
        api.MapClinicians();
        api.MapLocations();
        api.MapResources();
        api.MapAvailability();
        api.MapHolds();
        api.MapFirstGeneration();
        api.MapAppointmentSeries();
        api.MapParticipants();
        api.MapUsers();
        api.MapNotifications();
        api.MapOrganisation();
        api.MapManageLinks();
        api.MapPublicBooking();
        api.MapConsultations();
        api.MapClinicalRecord();
        api.MapDocuments();
        api.MapAudit();
        api.MapCalendarFeeds();
        api.MapWaitlist();
        app.MapCalendarFeedDownloads();
        app.MapFhir();
        app.MapLimitEndpoints();
    }

    /// <summary>
    /// The API reference of this server only: no fonts or telemetry from the docs vendor's servers, and none of
    /// its hosted products (the AI chat, the developer toolbar's "Generate SDK" and "Deploy", the MCP link),
    /// which would send the API description, or whatever a visitor types, to a third party.
    /// </summary>
    private static void ConfigureDocs(ScalarOptions options) => options
        .WithTitle("Leap API")
        .DisableDefaultFonts()
        .DisableTelemetry()
        .DisableAgent()
        .DisableMcp()
        .HideDeveloperTools();
}
