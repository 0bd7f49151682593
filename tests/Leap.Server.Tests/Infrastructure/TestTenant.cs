using Leap.Server.Accounts;
using Leap.Server.Clinicians;
using Leap.Server.Locations;
using Leap.Server.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.Infrastructure;

/// <summary>An organisation of a test's own, with a key and small builders for the records tests need.</summary>
public sealed class TestTenant(LeapFixture fixture, string orgId, HttpClient http)
{
    private static int patientCounter;

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
        var accounts = fixture.Services.GetRequiredService<AccountStore>();
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

    public async Task<string> CreateTemplateAsync(string name = "Consultation", int duration = 30, int bufferBefore = 0, int bufferAfter = 0, bool active = true) =>
        (await Api.PostAsync("appointment-templates", new
        {
            name,
            duration,
            buffer_before_minutes = bufferBefore,
            buffer_after_minutes = bufferAfter,
            is_active = active,
        })).Expect(201).Id;

    /// <summary>Clinicians and locations are admin data (CLI, demo): tests insert them directly.</summary>
    public async Task<string> CreateClinicianAsync(string name = "Dr Test Clinician", bool active = true, params string[] locationIds)
    {
        var now = TypeHandlers.Truncate(DateTimeOffset.UtcNow);
        var clinician = new ClinicianProfile
        {
            Id = Ids.New(Ids.Clinician), Name = name, DisplayName = name, IsActive = active, IsBookableOnline = true,
            LocationIds = locationIds, CreatedAt = now, UpdatedAt = now,
        };
        var db = fixture.Services.GetRequiredService<Database>();
        await db.WriteAsync(async (c, tx) =>
        {
            await ClinicianStore.InsertAsync(c, tx, Tenant, clinician, default);
            return 0;
        });
        return clinician.Id;
    }

    public async Task<string> CreateLocationAsync(string name = "Test Surgery", string timezone = "Europe/London", bool active = true)
    {
        var now = TypeHandlers.Truncate(DateTimeOffset.UtcNow);
        var location = new Location
        {
            Id = Ids.New(Ids.Location), Name = name, Timezone = timezone, IsActive = active, CreatedAt = now, UpdatedAt = now,
        };
        var db = fixture.Services.GetRequiredService<Database>();
        await db.WriteAsync(async (c, tx) =>
        {
            await LocationStore.InsertAsync(c, tx, Tenant, location, default);
            return 0;
        });
        return location.Id;
    }
}
