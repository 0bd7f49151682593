using Leap.Client.Tests.Infrastructure;
using Leap.Server;
using Leap.Server.Accounts;
using Leap.Server.Clinicians;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using ServerClinician = Leap.Server.Clinicians.ClinicianProfile;
using ServerDayHours = Leap.Server.Locations.DayHours;
using ServerLocation = Leap.Server.Locations.Location;
using ServerLocationStore = Leap.Server.Locations.LocationStore;
using ServerOpeningHours = Leap.Server.Locations.OpeningHours;

namespace Leap.Client.Tests;

/// <summary>The read-only directory: clinician profiles (with their sessions and blocks) and locations.</summary>
public abstract class DirectoryClientTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A location with every field set, written as the admin command line would.</summary>
    private static async Task<string> FullLocationAsync(TestTenant t, string name, string postcode, bool active = true)
    {
        var now = TypeHandlers.Truncate(DateTimeOffset.UtcNow);
        var location = new ServerLocation
        {
            Id = Ids.New(Ids.Location), Name = name, AddressLine1 = "1 River Street", AddressLine2 = "Unit 2", AddressLine3 = "Old Mill",
            TownCity = "Sampleton", Postcode = postcode, Country = "United Kingdom", Phone = "+44 20 7946 0000", Email = "desk@example.org",
            Lat = 51.5074, Lng = -0.1278, Timezone = "Etc/UTC", IsPrimary = true, IsActive = active, CreatedAt = now, UpdatedAt = now,
            OpeningHours = new ServerOpeningHours(new ServerDayHours("08:00", "18:30"), null, null, null, new ServerDayHours("08:00", "17:00"), null, null),
        };
        await t.WriteAsync(db => ServerLocationStore.InsertAsync(db, location, default));
        return location.Id;
    }

    private static async Task<string> FullClinicianAsync(TestTenant t, string name, string email, bool active, bool online, params string[] locations)
    {
        var now = TypeHandlers.Truncate(DateTimeOffset.UtcNow);
        var clinician = new ServerClinician
        {
            Id = Ids.New(Ids.Clinician), Name = name, DisplayName = "Dr " + name, FirstName = name.Split(' ')[0], LastName = name.Split(' ')[^1],
            Title = "Dr", Role = "GP Partner", Email = email, Bio = "Twenty years in general practice.", PhotoUrl = "https://example.org/p.jpg",
            Qualifications = "MBBS MRCGP", RegistrationNumber = "7123456", ProfessionalRegistrationBody = "GMC", IsActive = active,
            IsBookableOnline = online, LocationIds = locations, CreatedAt = now, UpdatedAt = now,
        };
        await t.WriteAsync(db => ClinicianStore.InsertAsync(db, clinician, default));
        return clinician.Id;
    }

    [Fact]
    public async Task Clinicians_are_read_with_every_field_and_listed_with_each_filter_and_paging()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var north = await t.CreateLocationAsync("North", "Etc/UTC");
        var south = await t.CreateLocationAsync("South", "Etc/UTC");
        var ada = await FullClinicianAsync(t, "Ada Lovelace", "ada@example.org", active: true, online: true, north, south);
        var bob = await FullClinicianAsync(t, "Bob Builder", "bob@example.org", active: true, online: false, south);
        var cy = await FullClinicianAsync(t, "Cy Retired", "cy@example.org", active: false, online: false);
        var clinicians = sdk.Client.ClinicianProfiles;

        var got = await clinicians.GetAsync(ada, Ct);
        Assert.Equal((ada, "Ada Lovelace", "Dr Ada Lovelace", "Ada", "Lovelace"), (got.Id, got.Name, got.DisplayName, got.FirstName, got.LastName));
        Assert.Equal(("Dr", "GP Partner", "ada@example.org", "Twenty years in general practice."), (got.Title, got.Role, got.Email, got.Bio));
        Assert.Equal(("https://example.org/p.jpg", "MBBS MRCGP", "7123456", "GMC"),
            (got.PhotoUrl, got.Qualifications, got.RegistrationNumber, got.ProfessionalRegistrationBody));
        Assert.Equal((true, true), (got.IsActive, got.IsBookableOnline));
        Assert.Equal(new[] { north, south }.Order(StringComparer.Ordinal), got.LocationIds.Order(StringComparer.Ordinal));
        Assert.NotEqual(default, got.CreatedAt);
        var raw = (await t.Api.GetAsync($"clinician-profiles/{ada}")).Expect(200).Data;
        Assert.Equal(got.ProfessionalRegistrationBody, raw.GetProperty("professional_registration_body").GetString());
        Assert.Equal(got.UpdatedAt, raw.GetProperty("updated_at").GetDateTimeOffset());

        static IEnumerable<string> IdsOf(LeapPage<ClinicianProfile> page) => page.Data.Select(c => c.Id);
        Assert.Equal([ada, bob, cy], IdsOf(await clinicians.ListAsync(ct: Ct)));
        Assert.Equal([ada, bob], IdsOf(await clinicians.ListAsync(new() { IsActive = true }, Ct)));
        Assert.Equal([bob, cy], IdsOf(await clinicians.ListAsync(new() { IsBookableOnline = false }, Ct)));
        Assert.Equal([ada], IdsOf(await clinicians.ListAsync(new() { LocationId = north }, Ct)));
        Assert.Equal([ada, bob], IdsOf(await clinicians.ListAsync(new() { LocationId = south }, Ct)));
        Assert.Equal([bob], IdsOf(await clinicians.ListAsync(new() { Search = "BOB example" }, Ct)));

        var firstPage = await clinicians.ListAsync(new() { Limit = 2 }, Ct);
        Assert.Equal((true, (int?)2), (firstPage.HasMore, firstPage.NextOffset));
        var all = new List<string>();
        await foreach (var c in clinicians.ListAllAsync(new() { Limit = 1 }, Ct))
        {
            all.Add(c.Id);
        }
        Assert.Equal([ada, bob, cy], all);
        // One request per page; the third page says it is the last.
        Assert.Equal(3, sdk.Handler.To("GET", "/clinician-profiles").Count(a => a.Query.Contains("limit=1", StringComparison.Ordinal)));

        var missing = await Assert.ThrowsAsync<LeapNotFoundException>(() => clinicians.GetAsync("cli_missing", Ct));
        Assert.Equal((404, LeapErrorCodes.NotFound), (missing.Status, missing.Code));
    }

    [Fact]
    public async Task Sessions_and_blocks_of_a_clinician_are_listed_with_their_filters()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var north = await t.CreateLocationAsync("North", "Etc/UTC");
        var south = await t.CreateLocationAsync("South", "Etc/UTC");
        var clinician = await t.CreateClinicianAsync("Dr Rota", locationIds: [north, south]);
        var weekly = await t.CreateSessionsAsync(clinician, north, "09:00", "17:00", weekdays: ["monday", "wednesday", "friday"],
            validFrom: new DateOnly(2030, 1, 1), validUntil: new DateOnly(2030, 12, 31));
        var oneOff = (await t.CreateSessionsAsync(clinician, south, "10:00", "12:30", date: new DateOnly(2030, 6, 15))).Single();
        var clinicians = sdk.Client.ClinicianProfiles;

        var sessions = await clinicians.ListSessionsAsync(clinician, ct: Ct);
        Assert.Equal(weekly.Append(oneOff).Order(StringComparer.Ordinal), sessions.Data.Select(s => s.Id).Order(StringComparer.Ordinal));
        var monday = sessions.Data.Single(s => s.Id == weekly[0]);
        Assert.Equal((clinician, north, ClinicianSessionType.Weekly, Weekdays.Monday, (DateOnly?)null), (monday.ClinicianProfileId, monday.LocationId, monday.Type, monday.Weekday, monday.Date));
        Assert.Equal(("09:00", "17:00", (DateOnly?)new DateOnly(2030, 1, 1), (DateOnly?)new DateOnly(2030, 12, 31)),
            (monday.StartTime, monday.EndTime, monday.ValidFrom, monday.ValidUntil));
        var once = sessions.Data.Single(s => s.Id == oneOff);
        Assert.Equal((south, ClinicianSessionType.OneOff, (string?)null, (DateOnly?)new DateOnly(2030, 6, 15), "10:00", "12:30"),
            (once.LocationId, once.Type, once.Weekday, once.Date, once.StartTime, once.EndTime));

        Assert.Equal([oneOff], (await clinicians.ListSessionsAsync(clinician, new() { LocationId = south }, Ct)).Data.Select(s => s.Id));
        Assert.Equal([weekly[1]], (await clinicians.ListSessionsAsync(clinician, new() { Weekday = Weekdays.Wednesday }, Ct)).Data.Select(s => s.Id));
        Assert.Equal(new[] { weekly[0], weekly[2] }.Order(StringComparer.Ordinal),
            (await clinicians.ListSessionsAsync(clinician, new() { WeekdayIn = [Weekdays.Monday, Weekdays.Friday] }, Ct)).Data.Select(s => s.Id).Order(StringComparer.Ordinal));
        var paged = new List<string>();
        await foreach (var s in clinicians.ListAllSessionsAsync(clinician, new() { Limit = 3 }, Ct))
        {
            paged.Add(s.Id);
        }
        Assert.Equal(4, paged.Distinct().Count());

        var past = await t.CreateBlockAsync(clinician, new DateTimeOffset(2029, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2029, 1, 8, 0, 0, 0, TimeSpan.Zero), "sickness");
        var leave = await t.CreateBlockAsync(clinician, new DateTimeOffset(2030, 8, 3, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2030, 8, 8, 0, 0, 0, TimeSpan.Zero), "leave", "Summer");
        var course = await t.CreateBlockAsync(clinician, new DateTimeOffset(2030, 9, 1, 13, 0, 0, TimeSpan.Zero), new DateTimeOffset(2030, 9, 1, 17, 0, 0, TimeSpan.Zero), "training");

        var blocks = await clinicians.ListBlocksAsync(clinician, ct: Ct);
        Assert.Equal([past, leave, course], blocks.Data.Select(b => b.Id));
        var summer = blocks.Data[1];
        Assert.Equal((clinician, ClinicianBlockReason.Leave, "Summer"), (summer.ClinicianProfileId, summer.Reason, summer.Note));
        Assert.Equal((new DateTimeOffset(2030, 8, 3, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2030, 8, 8, 0, 0, 0, TimeSpan.Zero)), (summer.StartTime, summer.EndTime));
        Assert.NotEqual(default, summer.CreatedAt);
        Assert.Equal([course], (await clinicians.ListBlocksAsync(clinician, new() { Reason = ClinicianBlockReason.Training }, Ct)).Data.Select(b => b.Id));
        Assert.Equal([past, course], (await clinicians.ListBlocksAsync(clinician, new() { ReasonIn = [ClinicianBlockReason.Sickness, ClinicianBlockReason.Training] }, Ct)).Data.Select(b => b.Id));
        Assert.Equal([leave, course], (await clinicians.ListBlocksAsync(clinician, new() { EndTimeGte = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) }, Ct)).Data.Select(b => b.Id));
        Assert.Equal([past], (await clinicians.ListBlocksAsync(clinician, new() { EndTimeLte = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) }, Ct)).Data.Select(b => b.Id));
        Assert.Equal([leave], (await clinicians.ListBlocksAsync(clinician, new()
        {
            StartTimeGte = new DateTimeOffset(2030, 8, 1, 0, 0, 0, TimeSpan.Zero), StartTimeLte = new DateTimeOffset(2030, 8, 31, 0, 0, 0, TimeSpan.Zero),
        }, Ct)).Data.Select(b => b.Id));
        var allBlocks = new List<string>();
        await foreach (var b in clinicians.ListAllBlocksAsync(clinician, new() { Limit = 2 }, Ct))
        {
            allBlocks.Add(b.Id);
        }
        Assert.Equal([past, leave, course], allBlocks);

        // The same rows, read without the SDK.
        Assert.Equal([past, leave, course], (await t.Api.GetAsync($"clinician-profiles/{clinician}/blocks")).Expect(200).Ids());
        await Assert.ThrowsAsync<LeapNotFoundException>(() => clinicians.ListSessionsAsync("cli_missing", ct: Ct));
        await Assert.ThrowsAsync<LeapNotFoundException>(() => clinicians.ListBlocksAsync("cli_missing", ct: Ct));
    }

    [Fact]
    public async Task Locations_are_read_with_every_field_and_listed_with_each_filter_and_paging()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var riverside = await FullLocationAsync(t, "Riverside Surgery", "SW1A 1AA");
        var hill = await FullLocationAsync(t, "Hill Clinic", "ZZ99 9ZZ");
        var closed = await FullLocationAsync(t, "Old Branch", "AB1 2CD", active: false);
        var locations = sdk.Client.Locations;

        var got = await locations.GetAsync(riverside, Ct);
        Assert.Equal((riverside, "Riverside Surgery", "1 River Street", "Unit 2", "Old Mill"), (got.Id, got.Name, got.AddressLine1, got.AddressLine2, got.AddressLine3));
        Assert.Equal(("Sampleton", "SW1A 1AA", "United Kingdom", "+44 20 7946 0000", "desk@example.org"), (got.TownCity, got.Postcode, got.Country, got.Phone, got.Email));
        Assert.Equal(((double?)51.5074, (double?)-0.1278, "Etc/UTC", true, true), (got.Lat, got.Lng, got.Timezone, got.IsPrimary, got.IsActive));
        Assert.Equal(new DayHours { Open = "08:00", Close = "18:30" }, got.OpeningHours?.Monday);
        Assert.Equal(new DayHours { Open = "08:00", Close = "17:00" }, got.OpeningHours?.Friday);
        Assert.Null(got.OpeningHours?.Sunday);
        var raw = (await t.Api.GetAsync($"locations/{riverside}")).Expect(200).Data;
        Assert.Equal("Unit 2", raw.GetProperty("address_line_2").GetString());
        Assert.Equal("18:30", raw.GetProperty("opening_hours").GetProperty("monday").GetProperty("close").GetString());
        Assert.Equal(got.CreatedAt, raw.GetProperty("created_at").GetDateTimeOffset());

        static IEnumerable<string> IdsOf(LeapPage<Location> page) => page.Data.Select(l => l.Id);
        Assert.Equal([riverside, hill, closed], IdsOf(await locations.ListAsync(ct: Ct)));
        Assert.Equal([riverside, hill], IdsOf(await locations.ListAsync(new() { IsActive = true }, Ct)));
        Assert.Equal([closed], IdsOf(await locations.ListAsync(new() { IsActive = false }, Ct)));
        Assert.Equal([riverside], IdsOf(await locations.ListAsync(new() { Search = "sw1a1aa" }, Ct)));
        Assert.Equal([hill], IdsOf(await locations.ListAsync(new() { Search = "hill" }, Ct)));
        var all = new List<string>();
        await foreach (var l in locations.ListAllAsync(new() { Limit = 2 }, Ct))
        {
            all.Add(l.Id);
        }
        Assert.Equal([riverside, hill, closed], all);

        var missing = await Assert.ThrowsAsync<LeapNotFoundException>(() => locations.GetAsync("loc_missing", Ct));
        Assert.Equal(LeapErrorCodes.NotFound, missing.Code);
    }

    [Fact]
    public async Task A_key_without_the_directory_scopes_gets_LeapPermissionException()
    {
        var t = await server.NewTenantAsync();
        var key = await t.KeyAsync([Scopes.ReadPatients]);
        using var sdk = new Sdk(t.Fixture.BaseUrl + "/api/v1", key.Key!);

        var clinicians = await Assert.ThrowsAsync<LeapPermissionException>(() => sdk.Client.ClinicianProfiles.ListAsync(ct: Ct));
        Assert.Equal((403, LeapErrorCodes.Forbidden), (clinicians.Status, clinicians.Code));
        Assert.Contains("read_clinicians", clinicians.Message);
        var locations = await Assert.ThrowsAsync<LeapPermissionException>(() => sdk.Client.Locations.ListAsync(ct: Ct));
        Assert.Contains("read_locations", locations.Message);
    }
}

public sealed class DirectoryClientTestsOnSqlite(SqliteServer server) : DirectoryClientTests(server);
public sealed class DirectoryClientTestsOnPostgres(PostgresServer server) : DirectoryClientTests(server);
