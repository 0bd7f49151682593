using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Leap.Server.Http;
using Leap.Server.Storage;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Leap.Server.Webhooks;

/// <summary>
/// Records events in the transaction of the change they report (the transactional outbox), so an event
/// exists exactly when its change does: a crash before commit loses both, a crash after commit loses
/// neither, and <see cref="WebhookDispatcher"/> delivers it afterwards. Objects are serialized as the API
/// returns them; with no subscribed endpoint nothing is written at all.
/// </summary>
public sealed class WebhookOutbox(IOptions<JsonOptions> json, TimeProvider clock)
{
    private readonly JsonSerializerOptions options = json.Value.SerializerOptions;

    /// <summary>
    /// Records <paramref name="type"/> with the object after the change and before it (null on create).
    /// <paramref name="shape"/> trims the object for the payload (patients carry core demographics only).
    /// </summary>
    public async Task RecordAsync<T>(TenantDb db, string type, T current, T? previous,
        CancellationToken ct, Func<JsonObject, JsonObject>? shape = null) where T : class
    {
        var endpoints = await WebhookStore.SubscribersAsync(db, type, ct);
        if (endpoints.Count > 0)
        {
            await WriteAsync(db, type, Node(current, shape), previous is null ? null : Node(previous, shape), endpoints, ct);
        }
    }

    /// <summary>A <c>webhook.test</c> event for one endpoint (the endpoint itself as the object); returns its delivery id.</summary>
    public async Task<string> RecordTestAsync(TenantDb db, WebhookEndpoint endpoint, CancellationToken ct) =>
        (await WriteAsync(db, WebhookEventTypes.Test, Node(endpoint, null), null, [endpoint.Id], ct))[0];

    private async Task<IReadOnlyList<string>> WriteAsync(TenantDb db, string type,
        JsonObject current, JsonObject? previous, IReadOnlyList<string> endpoints, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var id = Ids.New(Ids.Event);
        var payload = new JsonObject
        {
            ["id"] = id,
            ["type"] = type,
            ["created_at"] = now.UtcDateTime.ToString(UtcTimestampConverter.Format, CultureInfo.InvariantCulture),
            ["organization_id"] = db.Tenant.OrgId,
            ["mode"] = db.Tenant.Mode,
            ["actor"] = new JsonObject { ["type"] = db.Actor.Type, ["id"] = db.Actor.Id },
            ["data"] = new JsonObject { ["object"] = current, ["previous"] = previous },
        };
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder }))
        {
            payload.WriteTo(writer, options);
        }
        return await WebhookStore.InsertEventAsync(db, id, type, Encoding.UTF8.GetString(buffer.WrittenSpan), now, endpoints, ct);
    }

    private JsonObject Node<T>(T value, Func<JsonObject, JsonObject>? shape)
    {
        var node = JsonSerializer.SerializeToNode(value, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)))!.AsObject();
        return shape is null ? node : shape(node);
    }

    /// <summary>A shape keeping only the named members.</summary>
    public static Func<JsonObject, JsonObject> Only(IReadOnlyCollection<string> members) => node =>
    {
        foreach (var name in node.Select(p => p.Key).Where(k => !members.Contains(k)).ToList())
        {
            node.Remove(name);
        }
        return node;
    };

    /// <summary>A shape dropping the named members.</summary>
    public static Func<JsonObject, JsonObject> Without(params string[] members) => node =>
    {
        foreach (var name in members)
        {
            node.Remove(name);
        }
        return node;
    };
}
