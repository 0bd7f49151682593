using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Leap.Server.Http;

/// <summary>
/// Timestamps leave the API as ISO 8601 UTC with a "Z" (Jump's format), with milliseconds only when non-zero.
/// </summary>
public sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.FFF'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        // Formatted on the stack: long lists (availability slots) write thousands of timestamps per response.
        Span<char> text = stackalloc char[32];
        value.UtcDateTime.TryFormat(text, out var written, Format, CultureInfo.InvariantCulture);
        writer.WriteStringValue(text[..written]);
    }
}

/// <summary>Serializer settings shared by every resource's source-generated context.</summary>
public static class LeapJson
{
    /// <summary>
    /// The options the HTTP layer serializes with: each resource folder adds its own source-generated
    /// context to the resolver chain, so no single file lists every type.
    /// </summary>
    public static JsonSerializerOptions CreateOptions(IEnumerable<JsonSerializerContext> contexts)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            Converters = { new UtcTimestampConverter() },
        };
        foreach (var context in contexts)
        {
            options.TypeInfoResolverChain.Add(context);
        }
        options.MakeReadOnly();
        return options;
    }
}
