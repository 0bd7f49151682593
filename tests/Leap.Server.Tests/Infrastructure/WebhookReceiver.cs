using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Leap.Server.Tests.Infrastructure;

/// <summary>
/// A real HTTP server on 127.0.0.1 (its own Kestrel, port chosen by the system) standing in for a customer's
/// webhook endpoint: it records every request and answers with scripted statuses (200 once the script is used up).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<Delivery> received = new();
    private readonly ConcurrentQueue<int> script = new();

    public sealed record Delivery(string? EventId, string? Timestamp, string? Signature, string? ContentType, string Body, int AnsweredWith)
    {
        /// <summary>Every request header, for what the named ones do not cover.</summary>
        public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }

    private WebhookReceiver(WebApplication app) => this.app = app;

    public string Url { get; private set; } = "";

    public IReadOnlyList<Delivery> Received => [.. received];

    /// <summary>The body of every answer other than 200 (200 answers "ok").</summary>
    public string FailureBody { get; set; } = "receiver is down for the test";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address + "/hook";
        return receiver;
    }

    /// <summary>A scripted "status" that never answers: the request hangs until the sender gives up or dies.</summary>
    public const int Hang = -1;

    /// <summary>The answer once the script is used up: 200 unless a test takes the receiver "down" for a while.</summary>
    public int DefaultStatus { get; set; } = 200;

    /// <summary>The next requests are answered with these statuses (or <see cref="Hang"/>), in order.</summary>
    public void AnswerNext(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            script.Enqueue(status);
        }
    }

    /// <summary>Waits (polling) until the received requests satisfy <paramref name="done"/>; fails the test after the timeout.</summary>
    public async Task<IReadOnlyList<Delivery>> WaitForAsync(Func<IReadOnlyList<Delivery>, bool> done, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!done(Received))
        {
            Assert.True(DateTime.UtcNow < deadline, $"The receiver did not get the expected requests in {seconds} s; it got {Received.Count}.");
            await Task.Delay(25);
        }
        return Received;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var status = script.TryDequeue(out var scripted) ? scripted : DefaultStatus;
        var headers = context.Request.Headers;
        received.Enqueue(new Delivery(headers["X-Webhook-Id"], headers["X-Webhook-Timestamp"], headers["X-Webhook-Signature"],
            context.Request.ContentType, body, status)
        {
            Headers = headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
        });
        if (status == Hang)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(status == 200 ? "ok" : FailureBody);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
