namespace Leap.Server;

/// <summary>
/// The loop of a background worker that takes its work from a table in batches (routing, webhook delivery): one
/// round after another, at once while rounds come back full (more is waiting), otherwise after <c>wait</c>; a round
/// that fails is logged and tried again after the wait. Ends when the token is cancelled.
/// </summary>
public static class WorkRounds
{
    public static async Task RunAsync(string worker, Func<CancellationToken, Task<int>> round, int batchSize,
        Func<CancellationToken, Task> wait, TimeSpan interval, ILogger logger, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var done = 0;
                try
                {
                    done = await round(ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "{Worker} round failed; retrying in {Interval}", worker, interval);
                }
                if (done < batchSize)
                {
                    await wait(ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
