using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Leap.Server.Tests.Infrastructure;

/// <summary>
/// A stand-in for an SMS provider's API (the real ones are unreachable here): a real HTTP server on 127.0.0.1 that
/// records every call and answers each with the status and JSON body the test gives.
/// </summary>
public sealed class ProviderStub : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<Call> calls = new();

    public sealed record Call(string Method, string Path, string? Authorization, string? ContentType, string Body);

    private ProviderStub(WebApplication app, int status, string answer)
    {
        this.app = app;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            calls.Enqueue(new Call(context.Request.Method, context.Request.Path + context.Request.QueryString, context.Request.Headers.Authorization,
                context.Request.ContentType, await reader.ReadToEndAsync()));
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(answer);
        });
    }

    public string Url { get; private set; } = "";

    public IReadOnlyList<Call> Calls => [.. calls];

    public static async Task<ProviderStub> StartAsync(int status, string answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var stub = new ProviderStub(builder.Build(), status, answer);
        await stub.app.StartAsync();
        stub.Url = stub.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return stub;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
