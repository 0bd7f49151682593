using Leap.Server.Accounts;
using Leap.Server.Clinicians;
using Leap.Server.Locations;
using System.Text.Json;
using Leap.Server.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.Infrastructure;

/// <summary>
/// An organisation of a test's own, with a key and small builders for the records tests need; on the fixture's
/// server, or on a server of the test's own (<paramref name="services"/>, see <see cref="OnAsync"/>).
/// </summary>
public sealed class TestTenant(LeapFixture fixture, string orgId, HttpClient http, IServiceProvider? services = null)
{
    private static int patientCounter;

    private IServiceProvider Services => services ?? fixture.Services;

    /// <summary>A fresh organisation with an all-scopes test key on <paramref name="app"/> (a server with a database of its own).</summary>
    public static async Task<TestTenant> OnAsync(LeapFixture fixture, LeapAppFactory app)
    {
        var organisation = await app.Services.GetRequiredService<AccountStore>().CreateOrganisationAsync("Test org " + Guid.NewGuid().ToString("N")[..8]);
        var tenant = new TestTenant(fixture, organisation.Id, app.CreateHttpClient(), app.Services);
        await tenant.InitialiseAsync(Scopes.All, Modes.Test, 1_000_000);
        return tenant;
    }

    public string OrgId => orgId;
    public string Mode { get; private set; } = Modes.Test;
    public ApiClient Api { get; private set; } = null!;
    public Tenant Tenant => new(orgId, Mode);
    public LeapFixture Fixture => fixture;

    internal async Task InitialiseAsync(IEnumerable<string> scopes, string mode, int rateLimitPerHour)
    {
        Mode = mode;
        Api = await KeyAsync(scopes, mode, rateLimitPerHour);
    }

    /// <summary>Another key for this organisation.</summary>
    public async Task<ApiClient> KeyAsync(IEnumerable<string> scopes, string? mode = null, int rateLimitPerHour = 1_000_000)
    {
        var accounts = Services.GetRequiredService<AccountStore>();
        var (key, secret) = await accounts.CreateKeyAsync(orgId, "test key", mode ?? Mode, scopes, rateLimitPerHour);
        return new ApiClient(http, secret) { KeyId = key.Id };
    }

    public ApiClient Anonymous() => new(http, null);

    public ApiClient WithRawKey(string key) => new(http, key);

    /// <summary>
    /// A patient; unless told, with a name and birth date of its own, so several of them never look like one
    /// person to the server's duplicate check.
    /// </summary>
    public async Task<string> CreatePatientAsync(string? firstName = null, string? lastName = null, string? dateOfBirth = null, object? extra = null)
    {
        var n = Interlocked.Increment(ref patientCounter);
        var body = new Dictionary<string, object?>
        {
            ["first_name"] = firstName ?? $"Test{n}",
            ["last_name"] = lastName ?? "Patient",
            ["date_of_birth"] = dateOfBirth ?? new DateOnly(1950, 1, 1).AddDays(n % 20_000).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (extra is not null)
        {
            foreach (var property in extra.GetType().GetProperties())
            {
                body[property.Name] = property.GetValue(extra);
            }
        }
        return (await Api.PostAsync("patients", body)).Expect(201).Id;
    }

    public async Task<string> CreateTemplateAsync(string name = "Consultation", int duration = 30, int bufferBefore = 0, int bufferAfter = 0, bool active = true,
        int? minNoticeMinutes = null, int? maxAdvanceDays = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["name"] = name,
            ["duration"] = duration,
            ["buffer_before_minutes"] = bufferBefore,
            ["buffer_after_minutes"] = bufferAfter,
            ["is_active"] = active,
        };
        if (minNoticeMinutes is not null)
        {
            body["min_notice_minutes"] = minNoticeMinutes;
        }
        if (maxAdvanceDays is not null)
        {
            body["max_advance_days"] = maxAdvanceDays;
        }
        return (await Api.PostAsync("appointment-templates", body)).Expect(201).Id;
    }

    /// <summary>Clinicians and locations are admin data (CLI, demo): tests insert them directly.</summary>
    public async Task<string> CreateClinicianAsync(string name = "Dr Test Clinician", bool active = true, bool bookableOnline = true, params string[] locationIds)
    {
        var now = TypeHandlers.Truncate(DateTimeOffset.UtcNow);
        var clinician = new ClinicianProfile
        {
            Id = Ids.New(Ids.Clinician), Name = name, DisplayName = name, IsActive = active, IsBookableOnline = bookableOnline,
            LocationIds = locationIds, CreatedAt = now, UpdatedAt = now,
        };
        await WriteAsync(db => ClinicianStore.InsertAsync(db, clinician, default));
        return clinician.Id;
    }

    public async Task<string> CreateLocationAsync(string name = "Test Surgery", string timezone = "Europe/London", bool active = true)
    {
        var now = TypeHandlers.Truncate(DateTimeOffset.UtcNow);
        var location = new Location
        {
            Id = Ids.New(Ids.Location), Name = name, Timezone = timezone, IsActive = active, CreatedAt = now, UpdatedAt = now,
        };
        await WriteAsync(db => LocationStore.InsertAsync(db, location, default));
        return location.Id;
    }

    /// <summary>
    /// Working time (admin data, like clinicians), in the location's local time: every week on each of
    /// <paramref name="weekdays"/> ("monday"...), or once on <paramref name="date"/>.
    /// </summary>
    public async Task<IReadOnlyList<string>> CreateSessionsAsync(string clinicianId, string locationId, string start, string end,
        IEnumerable<string>? weekdays = null, DateOnly? date = null, DateOnly? validFrom = null, DateOnly? validUntil = null)
    {
        var now = TypeHandlers.Truncate(DateTimeOffset.UtcNow);
        var template = new ClinicianSession
        {
            Id = "", ClinicianProfileId = clinicianId, LocationId = locationId, StartTime = start, EndTime = end, Date = date,
            ValidFrom = validFrom, ValidUntil = validUntil, CreatedAt = now, UpdatedAt = now,
        };
        var sessions = date is not null
            ? [template with { Id = Ids.New(Ids.Session) }]
            : (weekdays ?? []).Select(day => template with { Id = Ids.New(Ids.Session), Weekday = day }).ToList();
        await WriteAsync(async db =>
        {
            foreach (var session in sessions)
            {
                await ClinicianScheduleStore.InsertSessionAsync(db, session, default);
            }
        });
        return sessions.Select(s => s.Id).ToList();
    }

    public async Task<string> CreateBlockAsync(string clinicianId, DateTimeOffset start, DateTimeOffset end, string reason = "leave", string? note = null)
    {
        var block = new ClinicianBlock
        {
            Id = Ids.New(Ids.Block), ClinicianProfileId = clinicianId, StartTime = start, EndTime = end, Reason = reason, Note = note,
            CreatedAt = TypeHandlers.Truncate(DateTimeOffset.UtcNow),
        };
        await WriteAsync(db => ClinicianScheduleStore.InsertBlockAsync(db, block, default));
        return block.Id;
    }

    /// <summary>
    /// Waits until every change of this tenant queued for routing is routed (docs/appointments.md, "Routing"): episodes,
    /// the records' <c>episode_id</c> and webhook events then reflect all of them. Polls the queue itself, so it waits
    /// exactly as long as routing takes; fails the test, naming what is still queued and why, after the timeout.
    /// </summary>
    public async Task RoutedAsync(int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var waiting = await Db.ListAsync<(string SubjectId, string Change, long Attempts, string? LastError)>(
                $"SELECT subject_id, change, attempts, last_error FROM routing_queue WHERE {TenantSql.Filter} ORDER BY seq");
            if (waiting.Count == 0)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline,
                $"{waiting.Count} change(s) were still waiting to be routed after {seconds} s: " +
                string.Join("; ", waiting.Take(5).Select(w => $"{w.Change} of {w.SubjectId} (attempts {w.Attempts}{(w.LastError is null ? "" : ", last error: " + w.LastError)})")));
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// A booking's answer is sent before routing files it on an episode (docs/appointments.md, "Routing"): the answer
    /// has no episode, and once routed the stored appointment is the answer with the episode it was filed on.
    /// </summary>
    public async Task AssertStoredOnceRoutedAsync(JsonElement answer)
    {
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("episode_id").ValueKind);
        await RoutedAsync();
        var stored = (await Api.GetAsync($"appointments/{answer.GetProperty("id").GetString()}")).Expect(200).Data;
        var episode = stored.GetProperty("episode_id").GetString();
        Assert.StartsWith("ep_", episode);
        // Each answer issues its own manage link (docs/online-booking.md): the rest must be the same.
        Assert.Equal(WithoutManageUrl(answer).Replace("\"episode_id\":null", $"\"episode_id\":\"{episode}\"", StringComparison.Ordinal), WithoutManageUrl(stored));
    }

    /// <summary>An appointment's JSON without its manage link, which differs in every answer.</summary>
    public static string WithoutManageUrl(JsonElement appointment)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(appointment.GetRawText())!.AsObject();
        node.Remove("manage_url");
        return node.ToJsonString();
    }

    /// <summary>The tenant's data, as the server's handlers reach it (for arranging admin data and checking what was stored).</summary>
    public TenantDb Db => Services.GetRequiredService<Database>().ForTenant(Tenant);

    /// <summary>Writes admin data straight through the stores, in one transaction.</summary>
    public Task WriteAsync(Func<TenantDb, Task> write) =>
        Db.WriteAsync(async db =>
        {
            await write(db);
            return 0;
        });
}
