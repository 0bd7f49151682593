using Leap.Client.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests;

public abstract class CalendarFeedsClientTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_a_feed_read_its_calendar_choose_full_names_and_revoke_it()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var feeds = sdk.Client.CalendarFeeds;
        var clinician = await t.CreateClinicianAsync("Dr Sdk");

        var feed = await feeds.CreateAsync(new CalendarFeedCreate { ClinicianProfileId = clinician }, ct: Ct);
        Assert.StartsWith("calf_", feed.Id, StringComparison.Ordinal);
        Assert.Equal(clinician, feed.ClinicianProfileId);
        var answer = await t.Anonymous().GetAsync(new Uri(feed.Url!).PathAndQuery);
        Assert.Equal(200, answer.StatusCode);
        Assert.StartsWith("BEGIN:VCALENDAR", answer.Raw, StringComparison.Ordinal);

        Assert.Equal("initials", (await feeds.GetSettingsAsync(Ct)).PatientNames);
        Assert.Equal("full", (await feeds.UpdateSettingsAsync(new CalendarFeedSettings { PatientNames = "full" }, Ct)).PatientNames);
        await Assert.ThrowsAsync<LeapValidationException>(() => feeds.UpdateSettingsAsync(new CalendarFeedSettings { PatientNames = "all" }, Ct));

        var listed = Assert.Single((await feeds.ListAsync(new CalendarFeedListQuery { ClinicianProfileId = clinician }, Ct)).Data);
        Assert.Null(listed.Url);
        Assert.NotNull((await feeds.RevokeAsync(feed.Id, Ct)).RevokedAt);
        Assert.Equal(404, (await t.Anonymous().GetAsync(new Uri(feed.Url!).PathAndQuery)).StatusCode);
        await Assert.ThrowsAsync<LeapConflictException>(() => feeds.RevokeAsync(feed.Id, Ct));
    }
}

public sealed class CalendarFeedsClientTestsOnSqlite(SqliteServer server) : CalendarFeedsClientTests(server);
public sealed class CalendarFeedsClientTestsOnPostgres(PostgresServer server) : CalendarFeedsClientTests(server);
