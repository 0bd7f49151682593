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
        Span<byte> text = stackalloc byte[UtcTimestamps.MaxLength];
        writer.WriteStringValue(text[..UtcTimestamps.Write(value.UtcTicks, text)]);
    }
}

/// <summary>
/// The API's timestamp (<see cref="UtcTimestampConverter.Format"/>) written as UTF-8 digit by digit: availability
/// answers hold thousands of them, and a format string is interpreted anew for each.
/// </summary>
public static class UtcTimestamps
{
    /// <summary>"yyyy-MM-ddTHH:mm:ss.fffZ".</summary>
    public const int MaxLength = 24;

    /// <summary>Writes the instant <paramref name="utcTicks"/> into <paramref name="destination"/>; returns the length written.</summary>
    public static int Write(long utcTicks, Span<byte> destination)
    {
        new DateTime(utcTicks, DateTimeKind.Utc).Deconstruct(out int year, out int month, out int day);
        var time = utcTicks % TimeSpan.TicksPerDay;
        Digits(destination[..4], year);
        destination[4] = (byte)'-';
        Digits(destination[5..7], month);
        destination[7] = (byte)'-';
        Digits(destination[8..10], day);
        destination[10] = (byte)'T';
        Digits(destination[11..13], (int)(time / TimeSpan.TicksPerHour));
        destination[13] = (byte)':';
        Digits(destination[14..16], (int)(time / TimeSpan.TicksPerMinute % 60));
        destination[16] = (byte)':';
        Digits(destination[17..19], (int)(time / TimeSpan.TicksPerSecond % 60));
        var length = 19;
        // "FFF": milliseconds without their trailing zeros, and no decimal point at all when they are zero.
        var milliseconds = (int)(time / TimeSpan.TicksPerMillisecond % 1000);
        if (milliseconds != 0)
        {
            destination[length++] = (byte)'.';
            for (var unit = 100; milliseconds != 0; unit /= 10)
            {
                destination[length++] = (byte)('0' + milliseconds / unit);
                milliseconds %= unit;
            }
        }
        destination[length++] = (byte)'Z';
        return length;
    }

    private static void Digits(Span<byte> destination, int value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + value % 10);
            value /= 10;
        }
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

/// <summary>
/// A string property that holds JSON text, validated and normalized when it was stored (a patient's
/// <c>custom_fields</c>): written into the answer as it is, so a read costs no parse per row.
/// </summary>
public sealed class StoredJsonConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.GetRawText();
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value, skipInputValidation: true);
}
