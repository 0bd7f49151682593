using System.Text.Json;
using Leap.Server.Clinicians;
using Leap.Server.Locations;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Api;

/// <summary>The read-only directory: clinician profiles (with their sessions and blocks) and locations.</summary>
public abstract class DirectoryTests(LeapFixture server)
{
    private static readonly DateTimeOffset Created = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Locations_carry_every_field_including_timezone_and_opening_hours()
    {
        var t = await server.NewTenantAsync();
        var hours = new DayHours("08:00", "18:30");
        var location = new Location
        {
            Id = Ids.New(Ids.Location), Name = "Riverside Surgery", AddressLine1 = "1 Example Street", AddressLine2 = "Unit 2", TownCity = "Sampleton",
            Postcode = "ZZ99 1AA", Country = "United Kingdom", Phone = "020 7946 0001", Email = "riverside@example.com", Lat = 51.5007, Lng = -0.1246,
            Timezone = "Europe/London", OpeningHours = new OpeningHours(hours, hours, hours, hours, hours, new DayHours("09:00", "12:00"), null),
            IsPrimary = true, IsActive = true, CreatedAt = Created, UpdatedAt = Created,
        };
        await t.WriteAsync(db => LocationStore.InsertAsync(db, location, default));

        var data = (await t.Api.GetAsync($"locations/{location.Id}")).Expect(200).Data;
        Assert.Equal(
            $$"""
            {"id":"{{location.Id}}","name":"Riverside Surgery","address_line_1":"1 Example Street","address_line_2":"Unit 2","address_line_3":null,"town_city":"Sampleton","postcode":"ZZ99 1AA","country":"United Kingdom","phone":"020 7946 0001","email":"riverside@example.com","lat":51.5007,"lng":-0.1246,"timezone":"Europe/London","opening_hours":{"monday":{"open":"08:00","close":"18:30"},"tuesday":{"open":"08:00","close":"18:30"},"wednesday":{"open":"08:00","close":"18:30"},"thursday":{"open":"08:00","close":"18:30"},"friday":{"open":"08:00","close":"18:30"},"saturday":{"open":"09:00","close":"12:00"},"sunday":null},"is_primary":true,"is_active":true,"created_at":"2026-01-05T09:00:00Z","updated_at":"2026-01-05T09:00:00Z"}
            """,
            data.GetRawText());
        Assert.Equal(data.GetRawText(), (await t.Api.GetAsync("locations")).Expect(200).Data[0].GetRawText());
    }

    [Fact]
    public async Task Locations_filter_by_is_active_and_search_name_town_and_postcode()
    {
        var t = await server.NewTenantAsync();
        var riverside = await AddLocationAsync(t, "Riverside Surgery", "Sampleton", "ZZ99 1AA");
        var hillside = await AddLocationAsync(t, "Hillside Clinic", "Demoford", "ZZ98 2BB");
        var closed = await AddLocationAsync(t, "Old 100% Branch", "Sampleton", "ZZ97 3CC", active: false);

        Assert.Equal([riverside, hillside, closed], (await t.Api.GetAsync("locations")).Expect(200).Ids());
        Assert.Equal([riverside, hillside], (await t.Api.GetAsync("locations?is_active=true")).Expect(200).Ids());
        Assert.Equal([closed], (await t.Api.GetAsync("locations?is_active=false")).Expect(200).Ids());
        Assert.Equal([hillside], (await t.Api.GetAsync("locations?search=HILLSIDE")).Expect(200).Ids());
        Assert.Equal([riverside, closed], (await t.Api.GetAsync("locations?search=sampleton")).Expect(200).Ids());
        Assert.Equal([hillside], (await t.Api.GetAsync("locations?search=zz982bb")).Expect(200).Ids());
        Assert.Equal([riverside], (await t.Api.GetAsync("locations?search=ZZ99%201AA")).Expect(200).Ids());
        Assert.Equal([closed], (await t.Api.GetAsync("locations?search=100%25")).Expect(200).Ids());
        Assert.Empty((await t.Api.GetAsync("locations?search=_")).Expect(200).Ids());
        Assert.Equal([riverside], (await t.Api.GetAsync("locations?limit=1")).Expect(200).Ids());
        (await t.Api.GetAsync("locations?is_active=maybe")).ExpectError(422, "VALIDATION_ERROR");
        (await t.Api.GetAsync("locations?postcode=ZZ99")).ExpectError(400, "BAD_REQUEST");
    }

    [Fact]
    public async Task Clinician_profiles_carry_every_field_and_their_locations()
    {
        var t = await server.NewTenantAsync();
        var north = await t.CreateLocationAsync("North");
        var south = await t.CreateLocationAsync("South");
        var clinician = new ClinicianProfile
        {
            Id = Ids.New(Ids.Clinician), Name = "Dr Sarah Example", DisplayName = "Dr S. Example", FirstName = "Sarah", LastName = "Example", Title = "Dr",
            Role = "GP Partner", Email = "sarah.example@example.com", Bio = "Fictional.", PhotoUrl = "https://example.com/sarah.jpg",
            Qualifications = "MBBS, MRCGP", RegistrationNumber = "0000000", ProfessionalRegistrationBody = "GMC", IsActive = true, IsBookableOnline = true,
            LocationIds = [north, south], CreatedAt = Created, UpdatedAt = Created,
        };
        await t.WriteAsync(db => ClinicianStore.InsertAsync(db, clinician, default));

        var data = (await t.Api.GetAsync($"clinician-profiles/{clinician.Id}")).Expect(200).Data;
        Assert.Equal(
            $$"""
            {"id":"{{clinician.Id}}","name":"Dr Sarah Example","display_name":"Dr S. Example","first_name":"Sarah","last_name":"Example","title":"Dr","role":"GP Partner","email":"sarah.example@example.com","bio":"Fictional.","photo_url":"https://example.com/sarah.jpg","qualifications":"MBBS, MRCGP","registration_number":"0000000","professional_registration_body":"GMC","is_active":true,"is_bookable_online":true,"location_ids":{{JsonSerializer.Serialize(new[] { north, south }.Order(StringComparer.Ordinal))}},"appointment_template_ids":[],"created_at":"2026-01-05T09:00:00Z","updated_at":"2026-01-05T09:00:00Z"}
            """,
            data.GetRawText());
        Assert.Equal(data.GetRawText(), (await t.Api.GetAsync("clinician-profiles")).Expect(200).Data[0].GetRawText());
    }

    [Fact]
    public async Task Clinician_profiles_filter_by_activity_online_booking_location_and_search()
    {
        var t = await server.NewTenantAsync();
        var north = await t.CreateLocationAsync("North");
        var south = await t.CreateLocationAsync("South");
        var ada = await t.CreateClinicianAsync("Dr Ada Lovelace", locationIds: north);
        var ben = await t.CreateClinicianAsync("Nurse Ben Placeholder", bookableOnline: false, locationIds: [north, south]);
        var cara = await t.CreateClinicianAsync("Cara Retired", active: false, locationIds: south);

        Assert.Equal([ada, ben, cara], (await t.Api.GetAsync("clinician-profiles")).Expect(200).Ids());
        Assert.Equal([ada, ben], (await t.Api.GetAsync("clinician-profiles?is_active=true")).Expect(200).Ids());
        Assert.Equal([ada, cara], (await t.Api.GetAsync("clinician-profiles?is_bookable_online=true")).Expect(200).Ids());
        Assert.Equal([ben, cara], (await t.Api.GetAsync($"clinician-profiles?location_id={south}")).Expect(200).Ids());
        Assert.Equal([ben], (await t.Api.GetAsync($"clinician-profiles?location_id={south}&is_active=true")).Expect(200).Ids());
        Assert.Equal([ada], (await t.Api.GetAsync("clinician-profiles?search=LOVELACE")).Expect(200).Ids());
        Assert.Equal([ben], (await t.Api.GetAsync("clinician-profiles?search=nurse%20ben")).Expect(200).Ids());
        Assert.Empty((await t.Api.GetAsync("clinician-profiles?search=nobody")).Expect(200).Ids());
        Assert.Empty((await t.Api.GetAsync("clinician-profiles?location_id=loc_00000000-0000-7000-8000-000000000000")).Expect(200).Ids());
        (await t.Api.GetAsync("clinician-profiles?is_bookable_online=1")).ExpectError(422, "VALIDATION_ERROR");
        (await t.Api.GetAsync("clinician-profiles?role=GP")).ExpectError(400, "BAD_REQUEST");
    }

    [Fact]
    public async Task Sessions_and_blocks_of_a_clinician_are_readable()
    {
        var t = await server.NewTenantAsync();
        var north = await t.CreateLocationAsync("North");
        var south = await t.CreateLocationAsync("South");
        var clinician = await t.CreateClinicianAsync("Dr Rota");
        var weekly = await t.CreateSessionsAsync(clinician, north, "09:00", "12:30", ["monday", "tuesday"], validFrom: new DateOnly(2026, 1, 5));
        var extra = await t.CreateSessionsAsync(clinician, south, "18:00", "20:00", date: new DateOnly(2026, 1, 10));
        var leave = await t.CreateBlockAsync(clinician, Clinic.At("2026-02-02T00:00:00Z"), Clinic.At("2026-02-07T00:00:00Z"), "leave", "Half term");
        var training = await t.CreateBlockAsync(clinician, Clinic.At("2026-01-20T13:00:00Z"), Clinic.At("2026-01-20T17:00:00Z"), "training");

        var sessions = (await t.Api.GetAsync($"clinician-profiles/{clinician}/sessions")).Expect(200);
        Assert.Equal([.. weekly, .. extra], sessions.Ids());
        var monday = sessions.Data[0];
        Assert.Equal("weekly", monday.GetProperty("type").GetString());
        Assert.Equal("monday", monday.GetProperty("weekday").GetString());
        Assert.Equal(JsonValueKind.Null, monday.GetProperty("date").ValueKind);
        Assert.Equal("09:00", monday.GetProperty("start_time").GetString());
        Assert.Equal("12:30", monday.GetProperty("end_time").GetString());
        Assert.Equal("2026-01-05", monday.GetProperty("valid_from").GetString());
        Assert.Equal(north, monday.GetProperty("location_id").GetString());
        Assert.Equal(clinician, monday.GetProperty("clinician_profile_id").GetString());
        var once = sessions.Data[2];
        Assert.Equal("one_off", once.GetProperty("type").GetString());
        Assert.Equal("2026-01-10", once.GetProperty("date").GetString());
        Assert.Equal(extra, (await t.Api.GetAsync($"clinician-profiles/{clinician}/sessions?location_id={south}")).Expect(200).Ids());
        Assert.Equal([weekly[1]], (await t.Api.GetAsync($"clinician-profiles/{clinician}/sessions?weekday=tuesday")).Expect(200).Ids());
        // Adding a session links the clinician to its location.
        Assert.Equal([clinician], (await t.Api.GetAsync($"clinician-profiles?location_id={south}")).Expect(200).Ids());

        var blocks = (await t.Api.GetAsync($"clinician-profiles/{clinician}/blocks")).Expect(200);
        Assert.Equal([training, leave], blocks.Ids());
        Assert.Equal("Half term", blocks.Data[1].GetProperty("note").GetString());
        Assert.Equal("2026-02-07T00:00:00Z", blocks.Data[1].GetProperty("end_time").GetString());
        Assert.Equal([leave], (await t.Api.GetAsync($"clinician-profiles/{clinician}/blocks?reason=leave")).Expect(200).Ids());
        Assert.Equal([leave], (await t.Api.GetAsync($"clinician-profiles/{clinician}/blocks?end_time_gte=2026-01-21")).Expect(200).Ids());
        (await t.Api.GetAsync($"clinician-profiles/{clinician}/blocks?reason=holiday")).ExpectError(422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Another_organisations_directory_is_invisible()
    {
        var a = await server.NewTenantAsync();
        var location = await a.CreateLocationAsync();
        var clinician = await a.CreateClinicianAsync(locationIds: location);
        var b = await server.NewTenantAsync();
        var otherMode = await a.KeyAsync(Leap.Server.Accounts.Scopes.All, "live");
        foreach (var api in new[] { b.Api, otherMode })
        {
            (await api.GetAsync($"locations/{location}")).ExpectError(404, "NOT_FOUND");
            (await api.GetAsync($"clinician-profiles/{clinician}")).ExpectError(404, "NOT_FOUND");
            (await api.GetAsync($"clinician-profiles/{clinician}/sessions")).ExpectError(404, "NOT_FOUND");
            (await api.GetAsync($"clinician-profiles/{clinician}/blocks")).ExpectError(404, "NOT_FOUND");
            Assert.Empty((await api.GetAsync("locations")).Expect(200).Ids());
            Assert.Empty((await api.GetAsync($"clinician-profiles?location_id={location}")).Expect(200).Ids());
        }
    }

    private static async Task<string> AddLocationAsync(TestTenant t, string name, string town, string postcode, bool active = true)
    {
        var location = new Location
        {
            Id = Ids.New(Ids.Location), Name = name, TownCity = town, Postcode = postcode, Timezone = "Europe/London", IsActive = active,
            CreatedAt = Created, UpdatedAt = Created,
        };
        await t.WriteAsync(db => LocationStore.InsertAsync(db, location, default));
        return location.Id;
    }
}

public sealed class DirectoryTestsOnSqlite(SqliteServer server) : DirectoryTests(server);
public sealed class DirectoryTestsOnPostgres(PostgresServer server) : DirectoryTests(server);
