using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Leap.Server.Tests.Infrastructure;

/// <summary>Sends requests as one API key and returns everything a test may assert on.</summary>
public sealed class ApiClient(HttpClient http, string? key)
{
    public string? Key => key;

    /// <summary>The id of the key (<c>key_...</c>) when the test created it.</summary>
    public string? KeyId { get; init; }

    /// <summary>The same key, talking to another server (a restarted one, a second process).</summary>
    public ApiClient Via(HttpClient other) => new(other, key) { KeyId = KeyId };

    public Task<ApiResult> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<ApiResult> PostAsync(string path, object? body = null, string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, path, body, idempotencyKey);

    public Task<ApiResult> PatchAsync(string path, object? body) => SendAsync(HttpMethod.Patch, path, body);

    public Task<ApiResult> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    public Task<ApiResult> SendAsync(HttpMethod method, string path, object? body = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, Url(path));
        if (body is not null)
        {
            var json = body as string ?? JsonSerializer.Serialize(body);
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }
        return SendAsync(request);
    }

    /// <summary>Sends a hand-made request; the key is added unless the request already has an Authorization header.</summary>
    public async Task<ApiResult> SendAsync(HttpRequestMessage request)
    {
        if (key is not null && request.Headers.Authorization is null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        using var response = await http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        return new ApiResult(response.StatusCode, raw, response.Headers, response.Content.Headers);
    }

    private static string Url(string path) => path.StartsWith('/') ? path : "/api/v1/" + path;
}

public sealed class ApiResult(HttpStatusCode status, string raw, HttpResponseHeaders headers, HttpContentHeaders contentHeaders)
{
    private JsonElement? body;

    public HttpStatusCode Status { get; } = status;
    public int StatusCode => (int)Status;
    public string Raw { get; } = raw;
    public HttpResponseHeaders Headers { get; } = headers;
    public HttpContentHeaders ContentHeaders { get; } = contentHeaders;

    public JsonElement Body => body ??= JsonDocument.Parse(Raw).RootElement;
    public JsonElement Data => Body.GetProperty("data");
    public JsonElement Meta => Body.GetProperty("meta");
    public JsonElement Error => Body.GetProperty("error");
    public string? ErrorCode => Body.TryGetProperty("error", out var e) ? e.GetProperty("code").GetString() : null;
    public string Id => Data.GetProperty("id").GetString()!;

    public string? Header(string name) =>
        Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : ContentHeaders.TryGetValues(name, out var content) ? string.Join(",", content) : null;

    /// <summary>Field names listed in error.details.</summary>
    public IReadOnlyList<string> ErrorFields =>
        Error.TryGetProperty("details", out var details) ? details.EnumerateArray().Select(d => d.GetProperty("field").GetString()!).ToList() : [];

    /// <summary>Asserts the status, printing the body when it differs (the fastest way to see why).</summary>
    public ApiResult Expect(int status)
    {
        Assert.True(StatusCode == status, $"Expected {status} but got {StatusCode}: {Raw}" +
            (StatusCode >= 500 ? Environment.NewLine + "Server errors:" + Environment.NewLine + TestLogs.RecentErrors() : ""));
        return this;
    }

    /// <summary>Asserts an error in the Jump envelope: {data: null, meta: {request_id}, error: {code, message}}.</summary>
    public ApiResult ExpectError(int status, string code)
    {
        Expect(status);
        Assert.Equal(JsonValueKind.Null, Body.GetProperty("data").ValueKind);
        Assert.StartsWith("req_", Meta.GetProperty("request_id").GetString());
        Assert.Equal(code, ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(Error.GetProperty("message").GetString()));
        Assert.Equal(Header("X-Request-Id"), Meta.GetProperty("request_id").GetString());
        Assert.StartsWith("application/json", ContentHeaders.ContentType?.ToString());
        return this;
    }

    public IReadOnlyList<string> Ids() => Data.EnumerateArray().Select(item => item.GetProperty("id").GetString()!).ToList();
}
