using System.Collections.Concurrent;
using System.Diagnostics;

namespace Leap.Server.Tests.Infrastructure;

/// <summary>
/// Clients booking one distinct slot after another against one server until stopped, or until the server stops
/// answering (a client stops at its first refused or dropped connection). Every request is recorded with when it
/// was sent and answered on one clock, so a test can tell what was acknowledged before or after a moment.
/// </summary>
public sealed class BookingLoad
{
    public sealed record Request(long SentAt, long AnsweredAt, int? Status, string? AppointmentId, string Raw)
    {
        /// <summary>No HTTP answer: the connection was refused or closed.</summary>
        public bool Unanswered => Status is null;
    }

    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<Request> requests = new();
    private readonly CancellationTokenSource stop = new();
    private readonly List<Task> clients;
    private int slot;

    private BookingLoad(ApiClient api, string patient, IReadOnlyList<string> clinicians, int clientCount, DateTimeOffset firstSlot) =>
        clients = Enumerable.Range(0, clientCount).Select(_ => Task.Run(() => BookAsync(api, patient, clinicians, firstSlot))).ToList();

    public static BookingLoad Start(ApiClient api, string patient, IReadOnlyList<string> clinicians, DateTimeOffset firstSlot, int clients = 8) =>
        new(api, patient, clinicians, clients, firstSlot);

    public IReadOnlyList<Request> Requests => [.. requests];

    public IReadOnlyList<Request> Acknowledged => requests.Where(r => r.Status == 201).ToList();

    /// <summary>Now, on the clock the requests are recorded with.</summary>
    public long Now => clock.ElapsedTicks;

    /// <summary>Waits until <paramref name="count"/> bookings are acknowledged (no fixed delay: the machine may be busy).</summary>
    public async Task WaitForAcknowledgedAsync(int count, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (Acknowledged.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Only {Acknowledged.Count} of {count} bookings were acknowledged in {seconds} s.");
            Assert.False(clients.All(c => c.IsCompleted), "Every client stopped: " + string.Join("; ", Requests.TakeLast(3).Select(r => r.Raw)));
            await Task.Delay(20);
        }
    }

    /// <summary>Stops sending and waits for the requests in flight.</summary>
    public async Task StopAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(clients);
    }

    /// <summary>Waits until every client has stopped by itself (after the server went away).</summary>
    public Task EndedAsync() => Task.WhenAll(clients);

    private async Task BookAsync(ApiClient api, string patient, IReadOnlyList<string> clinicians, DateTimeOffset firstSlot)
    {
        while (!stop.IsCancellationRequested)
        {
            var n = Interlocked.Increment(ref slot);
            var start = firstSlot.AddMinutes(30 * (n / clinicians.Count));
            var sentAt = Now;
            try
            {
                var result = await api.PostAsync("appointments", new
                {
                    title = "Under load",
                    patient_id = patient,
                    clinician_profile_id = clinicians[n % clinicians.Count],
                    start_time = start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
                    end_time = start.AddMinutes(30).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
                }, Guid.NewGuid().ToString());
                requests.Enqueue(new Request(sentAt, Now, result.StatusCode, result.StatusCode == 201 ? result.Id : null, result.Raw));
            }
            catch (HttpRequestException e)
            {
                requests.Enqueue(new Request(sentAt, Now, null, null, e.Message));
                return;
            }
        }
    }
}
