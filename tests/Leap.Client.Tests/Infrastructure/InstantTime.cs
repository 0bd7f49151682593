using System.Collections.Concurrent;

namespace Leap.Client.Tests.Infrastructure;

/// <summary>
/// The clock the client waits on between retries, minus the waiting: every timer fires at once and each
/// requested wait is recorded, so tests check backoff and Retry-After without sleeping. A test can make the
/// waits move a server's fake clock too, as real waiting would.
/// </summary>
public sealed class InstantTime(Action<TimeSpan>? onWait = null) : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> waits = new();

    public IReadOnlyList<TimeSpan> Waits => waits.ToArray();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        waits.Enqueue(dueTime);
        onWait?.Invoke(dueTime);
        // Fired off the caller's stack: Task.Delay has not stored its timer yet when CreateTimer returns.
        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new FiredTimer();
    }

    private sealed class FiredTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
