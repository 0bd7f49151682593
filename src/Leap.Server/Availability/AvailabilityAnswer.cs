using System.Buffers;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using Leap.Server.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Leap.Server.Availability;

/// <summary>
/// The answer of <c>GET /availability</c>, written straight from the <see cref="SlotList"/>: byte for byte what the
/// serializer writes for <c>{data: AvailabilityData, meta}</c>, without a <see cref="Slot"/> per slot. Two weeks of a
/// practice are thousands of slots that differ only in their times, so each owner's constant part (clinician,
/// location, template, <c>is_available</c>) is encoded once per answer and each slot adds two timestamps.
/// </summary>
public sealed class AvailabilityAnswer(SlotList slots, DateRange range) : IResult, IEndpointMetadataProvider
{
    public async Task ExecuteAsync(HttpContext context)
    {
        using (slots)
        {
            // Pooled: the answer can be hundreds of kilobytes, which as a new array would land on the large-object heap.
            using var buffer = new PooledBuffer();
            Write(buffer, slots, range, RequestIds.Get(context), ApiResponse.Options(context).Encoder);
            await ApiResponse.WriteAsync(context, 200, buffer.WrittenMemory);
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(200, typeof(DataEnvelope<AvailabilityData>), ["application/json"]));

    /// <summary>The answer as compact JSON, strings escaped by <paramref name="encoder"/> (null: the serializer's default).</summary>
    public static void Write(IBufferWriter<byte> output, SlotList slots, DateRange range, string requestId, JavaScriptEncoder? encoder)
    {
        Append(output, "{\"data\":{\"slots\":["u8);
        var group = slots.Rules.IsGroup;
        var tails = new byte[slots.Owners.Count][];
        for (var i = 0; i < tails.Length; i++)
        {
            tails[i] = Tail(slots.Owners[i], slots.Rules.TemplateId, encoder, closed: !group);
        }
        var duration = slots.Rules.Duration.Ticks;
        var first = true;
        foreach (var slot in slots.Items)
        {
            var tail = tails[slot.Owner];
            var span = output.GetSpan(1 + SlotHead.Length + SlotMiddle.Length + 2 * UtcTimestamps.MaxLength + tail.Length);
            var length = 0;
            if (!first)
            {
                span[length++] = (byte)',';
            }
            first = false;
            SlotHead.CopyTo(span[length..]);
            length += SlotHead.Length;
            length += UtcTimestamps.Write(slot.Start, span[length..]);
            SlotMiddle.CopyTo(span[length..]);
            length += SlotMiddle.Length;
            length += UtcTimestamps.Write(slot.Session == 0 ? slot.Start + duration : slots.Sessions[slot.Session - 1].EndTime.UtcTicks, span[length..]);
            tail.CopyTo(span[length..]);
            output.Advance(length + tail.Length);
            if (group)
            {
                WriteSeats(output, slot.Session == 0 ? null : slots.Sessions[slot.Session - 1], slots.Rules.MaxParticipants, encoder);
            }
        }
        Append(output, "],\"date_range\":{\"from\":\""u8);
        AppendDate(output, range.From);
        Append(output, "\",\"to\":\""u8);
        AppendDate(output, range.To);
        Append(output, "\"}},\"meta\":{\"request_id\":\""u8);
        Append(output, JsonEncodedText.Encode(requestId, encoder).EncodedUtf8Bytes);
        Append(output, "\"}}"u8);
    }

    private static ReadOnlySpan<byte> SlotHead => "{\"start_time\":\""u8;

    private static ReadOnlySpan<byte> SlotMiddle => "\",\"end_time\":\""u8;

    /// <summary>A group template's slot ends with its session's appointment (when already booked) and its free seats.</summary>
    private static void WriteSeats(IBufferWriter<byte> output, OpenSession? session, int maxParticipants, JavaScriptEncoder? encoder)
    {
        if (session is not null)
        {
            Append(output, ",\"appointment_id\":\""u8);
            Append(output, JsonEncodedText.Encode(session.AppointmentId, encoder).EncodedUtf8Bytes);
            Append(output, "\""u8);
        }
        Append(output, ",\"seats_remaining\":"u8);
        Span<byte> digits = stackalloc byte[11];
        (session?.SeatsRemaining ?? maxParticipants).TryFormat(digits, out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
        Append(output, digits[..written]);
        Append(output, "}"u8);
    }

    /// <summary>Everything of a slot after its end time's digits (<paramref name="closed"/>: its closing brace too).</summary>
    private static byte[] Tail(SlotOwner owner, string templateId, JavaScriptEncoder? encoder, bool closed)
    {
        var tail = new ArrayBufferWriter<byte>(256);
        Append(tail, "\",\"clinician_profile_id\":\""u8);
        Append(tail, JsonEncodedText.Encode(owner.ClinicianId, encoder).EncodedUtf8Bytes);
        Append(tail, "\",\"clinician_name\":\""u8);
        Append(tail, JsonEncodedText.Encode(owner.ClinicianName, encoder).EncodedUtf8Bytes);
        Append(tail, "\",\"location_id\":\""u8);
        Append(tail, JsonEncodedText.Encode(owner.LocationId, encoder).EncodedUtf8Bytes);
        Append(tail, "\",\"appointment_template_id\":\""u8);
        Append(tail, JsonEncodedText.Encode(templateId, encoder).EncodedUtf8Bytes);
        Append(tail, closed ? "\",\"is_available\":true}"u8 : "\",\"is_available\":true"u8);
        return tail.WrittenSpan.ToArray();
    }

    private static void AppendDate(IBufferWriter<byte> output, DateOnly date)
    {
        Span<byte> text = stackalloc byte[10];
        date.TryFormat(text, out var written, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Append(output, text[..written]);
    }

    private static void Append(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }
}
