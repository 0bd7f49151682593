using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Leap.Server.Availability;
using Leap.Server.Http;
using Leap.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Leap.Server.Tests.Availability;

/// <summary>
/// The availability answer is written by hand from the slot list (<see cref="AvailabilityAnswer"/>); it must be the
/// very bytes the server's serializer writes for the same slots as <see cref="Slot"/> records, whatever the names,
/// times and encoder.
/// </summary>
public sealed class AvailabilityAnswerTests(SqliteServer server)
{
    private static readonly DateTimeOffset Day = new(2026, 10, 24, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateRange Range = new(DateOnly.FromDateTime(Day.UtcDateTime), DateOnly.FromDateTime(Day.AddDays(13).UtcDateTime));

    public static TheoryData<string, int, int> Practices => new()
    {
        { "Dr Ada Example", 30, 0 },
        { "O'Brien <&> \"Quoted\" \\ back/slash", 20, 5 },
        { "Zoë Ünïcode Ŋame, 李医生", 10, 0 },
        { "Emoji 😀 and a tab\tand \u0001 control", 45, 15 },
        { "", 15, 0 },
    };

    [Theory]
    [MemberData(nameof(Practices))]
    public void The_answer_is_the_serializers_bytes(string name, int duration, int bufferAfter)
    {
        var options = server.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        using var slots = FreeSlots(name, duration, bufferAfter);
        Assert.True(slots.Count > 50);

        Assert.Equal(Serialized(slots, options, "req_0192-abc"), Written(slots, "req_0192-abc", options.Encoder));
    }

    [Fact]
    public void Another_encoder_is_followed_and_an_empty_answer_matches_too()
    {
        var relaxed = new JsonSerializerOptions(server.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        using var slots = FreeSlots("O'Brien <&> Zoë 😀", 30, 0);
        using var none = new SlotEngine(slots.Rules, Day).FreeSlots([], BusyIntervals.None);

        Assert.Equal(Serialized(slots, relaxed, "req_<x>"), Written(slots, "req_<x>", relaxed.Encoder));
        Assert.Equal(Serialized(none, relaxed, "req_1"), Written(none, "req_1", relaxed.Encoder));
        // The relaxed encoder leaves HTML characters and accents alone (the default one escapes them).
        Assert.Contains("\"clinician_name\":\"O'Brien <&> Zoë \\uD83D\\uDE00\"", Encoding.UTF8.GetString(Written(slots, "req_1", relaxed.Encoder)));
    }

    [Fact]
    public void Timestamps_are_written_as_the_format_string_writes_them()
    {
        var random = new Random(14);
        var instants = new List<long>
        {
            DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks, new DateTime(2026, 3, 29, 1, 0, 0).Ticks,
            new DateTime(2000, 2, 29, 23, 59, 59, 999).Ticks, new DateTime(2026, 1, 1, 0, 0, 0, 5).Ticks,
            new DateTime(2026, 1, 1, 0, 0, 0, 50).Ticks, new DateTime(2026, 1, 1, 0, 0, 0, 500).Ticks + 9_999,
        };
        instants.AddRange(Enumerable.Range(0, 10_000).Select(_ => random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks)));
        // Whole minutes and whole milliseconds, as stored instants are.
        instants.AddRange(Enumerable.Range(0, 1_000).Select(_ => random.NextInt64(0, 5_000_000) * TimeSpan.TicksPerMinute));
        instants.AddRange(Enumerable.Range(0, 1_000).Select(_ => random.NextInt64(0, 300_000_000_000_000) * TimeSpan.TicksPerMillisecond));

        Span<byte> text = stackalloc byte[UtcTimestamps.MaxLength];
        foreach (var ticks in instants)
        {
            var expected = new DateTime(ticks, DateTimeKind.Utc).ToString(UtcTimestampConverter.Format, CultureInfo.InvariantCulture);
            Assert.Equal(expected, Encoding.UTF8.GetString(text[..UtcTimestamps.Write(ticks, text)]));
        }
    }

    /// <summary>
    /// Two weeks of three clinicians (one with the given name) at two locations, in a zone with clock changes, with
    /// busy time, and a stretch starting off the minute so that some times carry milliseconds.
    /// </summary>
    private static SlotList FreeSlots(string name, int duration, int bufferAfter)
    {
        var rules = new BookingRules("tmpl_01a2-<template>", "Consultation", TimeSpan.FromMinutes(duration), TimeSpan.Zero,
            TimeSpan.FromMinutes(bufferAfter), TimeSpan.Zero, TimeSpan.FromDays(90));
        var stretches = new List<SlotEngine.Stretch>();
        for (var day = 0; day < 14; day++)
        {
            var date = Day.AddDays(day);
            stretches.Add(new SlotEngine.Stretch("cli_1", name, "loc_1", date.AddHours(8), date.AddHours(12)));
            stretches.Add(new SlotEngine.Stretch("cli_2", "Dr Second", "loc_2", date.AddHours(9), date.AddHours(17)));
            stretches.Add(new SlotEngine.Stretch("cli_3", name + " junior", "loc_1", date.AddHours(13).AddMilliseconds(250), date.AddHours(15)));
        }
        using var busy = new BusyIntervals.Builder(["cli_1", "cli_2"]);
        for (var day = 0; day < 14; day += 2)
        {
            busy.Add(0, Day.AddDays(day).AddHours(9).UtcTicks, Day.AddDays(day).AddHours(10).AddMinutes(5).UtcTicks);
            busy.Add(1, Day.AddDays(day).AddHours(12).UtcTicks, Day.AddDays(day).AddHours(13).AddMilliseconds(50).UtcTicks);
        }
        return new SlotEngine(rules, Day.AddDays(-1)).FreeSlots(stretches, busy.Build());
    }

    private static byte[] Serialized(SlotList slots, JsonSerializerOptions options, string requestId)
    {
        var data = new AvailabilityData(Enumerable.Range(0, slots.Count).Select(i => slots[i]).ToList(), Range);
        return JsonSerializer.SerializeToUtf8Bytes(new DataEnvelope<AvailabilityData>(data, new Meta(requestId)), options);
    }

    private static byte[] Written(SlotList slots, string requestId, JavaScriptEncoder? encoder)
    {
        using var buffer = new PooledBuffer();
        AvailabilityAnswer.Write(buffer, slots, Range, requestId, encoder);
        return buffer.WrittenMemory.ToArray();
    }
}
