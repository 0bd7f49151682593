namespace Leap.Server.Tests.Infrastructure;

/// <summary>Requests that really race: each on its own thread, all released at the same moment.</summary>
public static class Race
{
    public static async Task<ApiResult[]> AllAtOnceAsync(int count, Func<int, Task<ApiResult>> attempt)
    {
        using var start = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await attempt(i);
        })).ToList();
        start.Set();
        return await Task.WhenAll(attempts);
    }
}
