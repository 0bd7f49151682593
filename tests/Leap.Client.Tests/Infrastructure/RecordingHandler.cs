using System.Collections.Concurrent;

namespace Leap.Client.Tests.Infrastructure;

/// <summary>
/// Sits between the SDK and the network: records every attempt the client makes (method, path, Idempotency-Key,
/// outcome) and can fail the next attempts with a network error before they leave the machine.
/// </summary>
public sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    public sealed record Attempt(string Method, string Path, string Query, string? IdempotencyKey, int? Status, string? Failure);

    private readonly ConcurrentQueue<Attempt> attempts = new();
    private int failuresToInject;

    public IReadOnlyList<Attempt> Attempts => attempts.ToArray();

    /// <summary>Attempts at paths ending in <paramref name="pathSuffix"/> with <paramref name="method"/>.</summary>
    public IReadOnlyList<Attempt> To(string method, string pathSuffix) =>
        Attempts.Where(a => a.Method == method && a.Path.EndsWith(pathSuffix, StringComparison.Ordinal)).ToList();

    /// <summary>The next <paramref name="count"/> attempts throw <see cref="HttpRequestException"/> without reaching the server.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref failuresToInject, count);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null;
        var (path, query) = (request.RequestUri!.AbsolutePath, request.RequestUri.Query);
        if (Interlocked.Decrement(ref failuresToInject) >= 0)
        {
            attempts.Enqueue(new Attempt(request.Method.Method, path, query, key, null, "injected"));
            throw new HttpRequestException("Injected network failure (connection reset).");
        }
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            attempts.Enqueue(new Attempt(request.Method.Method, path, query, key, (int)response.StatusCode, null));
            return response;
        }
        catch (Exception e)
        {
            attempts.Enqueue(new Attempt(request.Method.Method, path, query, key, null, e.GetType().Name));
            throw;
        }
    }
}
