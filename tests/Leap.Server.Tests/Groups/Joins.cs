using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Groups;

public static class Joins
{
    /// <summary>
    /// Many requests released at one moment. They wait for the signal without holding a thread (a hundred blocked
    /// pool threads would be released one by one as the pool grows, not together).
    /// </summary>
    public static async Task<ApiResult[]> AllAtOnceAsync(int count, Func<int, Task<ApiResult>> attempt)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, count).Select(async i =>
        {
            await start.Task;
            return await attempt(i);
        }).ToList();
        start.SetResult();
        return await Task.WhenAll(attempts);
    }
}
