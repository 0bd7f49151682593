using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Leap.Client.Http;

/// <summary>
/// Sends one API call: authentication, JSON in and out, error mapping, and retries with exponential backoff
/// and jitter (or the server's <c>Retry-After</c>), bounded by a count and a waiting budget. Each attempt is
/// a fresh request with the same body and, for creates, the same Idempotency-Key, so a retried create can
/// never book twice.
/// </summary>
internal sealed class LeapTransport(HttpClient http, LeapClientOptions options)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private static readonly ProductInfoHeaderValue UserAgent = new("Leap.Client",
        typeof(LeapTransport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0");

    private readonly string root = options.ApiRoot();
    private readonly AuthenticationHeaderValue authorization = new("Bearer", options.ApiKey);

    public async Task<T> SendAsync<T>(HttpMethod method, string pathAndQuery, JsonTypeInfo<T> responseType, CancellationToken ct,
        byte[]? body = null, string? idempotencyKey = null) =>
        (await SendWithStatusAsync(method, pathAndQuery, responseType, ct, body, idempotencyKey)).Value;

    /// <summary>The <c>data</c> of a single-object answer: a success without it is a broken server, not a null.</summary>
    public async Task<T> DataAsync<T>(HttpMethod method, string pathAndQuery, JsonTypeInfo<DataEnvelope<T>> responseType, CancellationToken ct,
        byte[]? body = null, string? idempotencyKey = null) where T : class =>
        (await SendAsync(method, pathAndQuery, responseType, ct, body, idempotencyKey)).Data
        ?? throw new LeapException($"{method} {pathAndQuery} answered without data.");

    /// <summary>As <see cref="SendAsync{T}"/>, with the success status (for endpoints whose 200 and 201 mean different things).</summary>
    public Task<(T Value, int Status)> SendWithStatusAsync<T>(HttpMethod method, string pathAndQuery, JsonTypeInfo<T> responseType,
        CancellationToken ct, byte[]? body = null, string? idempotencyKey = null) =>
        SendReadingAsync(method, pathAndQuery, (request, response, token) => ReadAsync(request, response, responseType, token), ct, body, idempotencyKey);

    /// <summary>A GET answered with a file rather than JSON (a document's download), with the same retries.</summary>
    public async Task<LeapFile> DownloadAsync(string pathAndQuery, CancellationToken ct) =>
        (await SendReadingAsync(HttpMethod.Get, pathAndQuery, async (_, response, token) => new LeapFile
        {
            Content = await response.Content.ReadAsByteArrayAsync(token),
            ContentType = response.Content.Headers.ContentType?.ToString(),
            FileName = response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'),
        }, ct)).Value;

    private async Task<(T Value, int Status)> SendReadingAsync<T>(HttpMethod method, string pathAndQuery,
        Func<HttpRequestMessage, HttpResponseMessage, CancellationToken, Task<T>> read, CancellationToken ct, byte[]? body = null, string? idempotencyKey = null)
    {
        var waited = TimeSpan.Zero;
        for (var attempt = 1; ; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            Exception failure;
            TimeSpan? retryAfter = null;
            bool transient;
            // The attempt's own deadline covers sending and reading the whole answer.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(options.Timeout);
            try
            {
                using var request = CreateRequest(method, pathAndQuery, body, idempotencyKey);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return (await read(request, response, deadline.Token), (int)response.StatusCode);
                }
                var error = await ErrorReader.ReadAsync(response, deadline.Token);
                retryAfter = RetryAfter(response);
                failure = LeapApiException.For(error, attempt, retryAfter);
                transient = IsTransient(error.Status, retryAfter);
            }
            catch (Exception e) when (IsConnectionFailure(e, ct))
            {
                failure = new LeapConnectionException(
                    $"{method} {root}/{pathAndQuery} got no response after {attempt} attempt{(attempt == 1 ? "" : "s")}: {e.Message}", attempt, e);
                transient = true;
            }

            if (!transient || NextDelay(attempt, retryAfter, waited) is not { } delay)
            {
                throw failure;
            }
            waited += delay;
            await Task.Delay(delay, options.TimeProvider, ct);
        }
    }

    private HttpRequestMessage CreateRequest(HttpMethod method, string pathAndQuery, byte[]? body, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(method, root + "/" + pathAndQuery);
        request.Headers.Authorization = authorization;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Add(UserAgent);
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, idempotencyKey);
        }
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }
        return request;
    }

    private static async Task<T> ReadAsync<T>(HttpRequestMessage request, HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        try
        {
            return await JsonSerializer.DeserializeAsync(stream, type, ct)
                ?? throw new LeapException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode} with an empty body.");
        }
        catch (JsonException e)
        {
            throw new LeapException(
                $"{request.Method} {request.RequestUri} answered {(int)response.StatusCode} with a body that is not the expected JSON: {e.Message}", e);
        }
    }

    /// <summary>Failures where the server's answer may simply not have arrived: worth another attempt.</summary>
    private static bool IsTransient(int status, TimeSpan? retryAfter) =>
        status is 408 or 429 or >= 500
        // The server's own word that the conflict is temporary (a request with the same Idempotency-Key in flight).
        || (status == 409 && retryAfter is not null);

    /// <summary>No usable answer: a connection failure, a broken body, or a timeout (a cancellation that is not the caller's).</summary>
    private static bool IsConnectionFailure(Exception e, CancellationToken ct) =>
        e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested);

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - options.TimeProvider.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>
    /// The wait before retry number <paramref name="attempt"/>, or null when the retries or the budget are spent.
    /// The server's Retry-After wins over backoff; backoff is "equal jitter": half the exponential step plus a
    /// random part of the other half, so clients that failed together do not retry together.
    /// </summary>
    private TimeSpan? NextDelay(int attempt, TimeSpan? retryAfter, TimeSpan waited)
    {
        if (attempt > options.MaxRetries)
        {
            return null;
        }
        var delay = retryAfter ?? Backoff(attempt);
        return waited + delay <= options.RetryBudget ? delay : null;
    }

    private TimeSpan Backoff(int attempt)
    {
        var step = options.InitialRetryDelay * Math.Pow(2, Math.Min(attempt - 1, 30));
        var ceiling = step < options.MaxRetryDelay ? step : options.MaxRetryDelay;
        return ceiling / 2 + ceiling / 2 * Random.Shared.NextDouble();
    }
}
