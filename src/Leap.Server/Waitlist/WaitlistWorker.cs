using Leap.Server.Storage;

namespace Leap.Server.Waitlist;

/// <summary>
/// Expires lapsed waitlist offers and offers their slots to the next entries (<see cref="WaitlistOffers.ExpireAsync"/>), in
/// every server process, a round every <c>Waitlist:ExpiryInterval</c> (30 seconds unless set). A process with
/// <c>Waitlist:ExpireOffers=false</c> leaves it to the others (the tests run the rounds themselves, under their clock).
/// </summary>
public sealed class WaitlistWorker(Database database, WaitlistOffers offers, IConfiguration configuration, ILogger<WaitlistWorker> logger) : BackgroundService
{
    private const int BatchSize = 50;

    private readonly CrossTenantDb db = database.CrossTenant("waitlist");
    private readonly TimeSpan interval = configuration.GetValue("Waitlist:ExpiryInterval", TimeSpan.FromSeconds(30));

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        configuration.GetValue("Waitlist:ExpireOffers", true)
            ? WorkRounds.RunAsync("Waitlist", RunOnceAsync, BatchSize, token => Task.Delay(interval, token), interval, logger, stoppingToken)
            : Task.CompletedTask;

    /// <summary>One round: the lapsed offers at the clock's time are expired (and their slots offered on) before this returns.</summary>
    public Task<int> RunOnceAsync(CancellationToken ct) => offers.ExpireAsync(db, BatchSize, ct);
}
