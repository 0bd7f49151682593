namespace Leap.Client;

/// <summary>Where the client connects, with which key, and how patiently it retries.</summary>
public sealed record LeapClientOptions
{
    /// <summary>The base URL of Jump's hosted API (the client works against it unchanged).</summary>
    public const string JumpBaseUrl = "https://app.usejump.co.uk/functions/v1/api-v1";

    /// <summary>
    /// The API root, e.g. <c>https://leap.example.org/api/v1</c>, a Leap server's Jump-style root
    /// <c>https://leap.example.org/functions/v1/api-v1</c>, or <see cref="JumpBaseUrl"/>. A URL with no path
    /// (<c>http://127.0.0.1:5080</c>) means a Leap server, and <c>/api/v1</c> is added.
    /// </summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>The API key, <c>pk_live_…</c> or <c>pk_test_…</c>, sent as a Bearer token.</summary>
    public required string ApiKey { get; init; }

    /// <summary>
    /// How many times a failed call is retried (so it is sent at most <c>MaxRetries + 1</c> times). Retried:
    /// 408, 429, 5xx, a 409 that carries <c>Retry-After</c>, timeouts and connection failures. Default 3; 0 turns retries off.
    /// </summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>The first backoff wait; each retry doubles it (1 s, 2 s, 4 s...), with jitter. Default 1 second.</summary>
    public TimeSpan InitialRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest single backoff wait. Default 30 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most time one call may spend waiting between its attempts. A retry whose wait (backoff, or the
    /// server's <c>Retry-After</c>) would go past the budget is not made: the error is thrown instead, carrying
    /// <see cref="LeapApiException.RetryAfter"/>. Default 60 seconds.
    /// </summary>
    public TimeSpan RetryBudget { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long one attempt (sending, and reading the whole answer) may take before it counts as failed and is
    /// retried. Default 30 seconds; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for none. An HttpClient you pass
    /// in also keeps its own <see cref="HttpClient.Timeout"/>.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock retries wait on and <c>Retry-After</c> dates are read against (tests substitute their own).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        if (!BaseUrl.IsAbsoluteUri || BaseUrl.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"BaseUrl must be an absolute http or https URL, not '{BaseUrl}'.", nameof(BaseUrl));
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(ApiKey, nameof(ApiKey));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetries, nameof(MaxRetries));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialRetryDelay, TimeSpan.Zero, nameof(InitialRetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryDelay, InitialRetryDelay, nameof(MaxRetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryBudget, TimeSpan.Zero, nameof(RetryBudget));
        if (Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero, nameof(Timeout));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(Timeout, TimeSpan.FromMilliseconds(int.MaxValue), nameof(Timeout));
        }
    }

    /// <summary>The API root without a trailing slash; every request path is appended to it.</summary>
    internal string ApiRoot()
    {
        var root = BaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return BaseUrl.AbsolutePath is "/" or "" ? root + "/api/v1" : root;
    }
}
