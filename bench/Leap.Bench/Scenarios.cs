using System.Globalization;
using System.Text;

namespace Leap.Bench;

/// <summary>
/// A load scenario: a wrk Lua script and the one status every answer must have (anything else is counted and
/// invalidates the run). <c>{PHASE}</c> is replaced per wrk run so creates never repeat a slot.
/// </summary>
public sealed record Scenario(string Name, string Description, int ExpectedStatus, string Lua)
{
    /// <summary>The script wrk runs: the scenario plus the status check shared by every scenario.</summary>
    public string Script(int phase) => Lua.Replace("{PHASE}", phase.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal) + $$"""

        unexpected = 0
        function response(status, headers, body)
          if status ~= {{ExpectedStatus}} then unexpected = unexpected + 1 end
        end
        function done(summary, latency, requests)
          local total = 0
          for _, thread in ipairs(threads) do total = total + thread:get("unexpected") end
          io.write("Unexpected statuses: " .. total .. "\n")
        end
        """;
}

public static class Scenarios
{
    public const string BaselineName = "baseline";

    public static IEnumerable<Scenario> All(SeedInfo seed)
    {
        // Every script keeps its threads (to total the status check) and numbers them (to keep creates apart).
        const string Threads = """
            threads = {}
            local next_tid = 0
            function setup(thread)
              thread:set("tid", next_tid)
              next_tid = next_tid + 1
              table.insert(threads, thread)
            end
            counter = 0

            """;
        var auth = Threads + $"""
            wrk.headers["Authorization"] = "Bearer {seed.ApiKey}"
            wrk.headers["Content-Type"] = "application/json"

            """;

        yield return new Scenario(BaselineName, "GET /livez: trivial JSON, no database", 200,
            Threads + """wrk.path = "/livez" """);

        yield return new Scenario("booking", "POST /appointments, distinct slots, Idempotency-Key on", 201,
            auth + $$"""
            local clinicians = {{LuaList(seed.ClinicianIds)}}
            local patients = {{LuaList(seed.PatientIds)}}
            local base = {{new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds()}} + {PHASE} * 365 * 86400
            function request()
              counter = counter + 1
              local i = counter * 4 + tid
              local clinician = clinicians[(i % #clinicians) + 1]
              local start = base + math.floor(i / #clinicians) * 1800
              local body = string.format('{"title":"Bench booking","patient_id":"%s","clinician_profile_id":"%s","appointment_type_id":"{{seed.TemplateId}}","start_time":"%s","end_time":"%s"}',
                patients[(i % #patients) + 1], clinician, os.date("!%Y-%m-%dT%H:%M:%SZ", start), os.date("!%Y-%m-%dT%H:%M:%SZ", start + 1800))
              wrk.headers["Idempotency-Key"] = "bench-{PHASE}-" .. i
              return wrk.format("POST", "/api/v1/appointments", wrk.headers, body)
            end
            """);

        yield return new Scenario("idempotent replay", "POST /appointments repeating one key and body", 201,
            auth + $$"""
            wrk.method = "POST"
            wrk.path = "/api/v1/appointments"
            wrk.headers["Idempotency-Key"] = "bench-replay"
            wrk.body = '{"title":"Replayed","patient_id":"{{seed.PatientIds[0]}}","start_time":"2040-01-01T09:00:00Z","end_time":"2040-01-01T09:30:00Z"}'
            """);

        yield return new Scenario("patient search", "GET /patients?search=…&limit=5", 200,
            auth + $$"""
            local terms = {{LuaList(seed.SearchTerms.Select(Uri.EscapeDataString))}}
            function request()
              counter = counter + 1
              return wrk.format("GET", "/api/v1/patients?limit=5&search=" .. terms[(counter % #terms) + 1], wrk.headers)
            end
            """);

        var today = DateTimeOffset.UtcNow;
        yield return new Scenario("availability", "GET /availability, 14 days, one template, one location (10 clinicians)", 200,
            auth + $$"""
            local locations = {{LuaList(seed.LocationIds)}}
            function request()
              counter = counter + 1
              return wrk.format("GET", "/api/v1/availability?appointment_template_id={{seed.TemplateId}}&date_from={{today.AddDays(1):yyyy-MM-dd}}&date_to={{today.AddDays(14):yyyy-MM-dd}}&location_id=" .. locations[(counter % #locations) + 1], wrk.headers)
            end
            """);

        var from = today.AddDays(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        yield return new Scenario("appointment list", "GET /appointments?clinician_id=…&date_gte=…&limit=20", 200,
            auth + $$"""
            local clinicians = {{LuaList(seed.ClinicianIds)}}
            function request()
              counter = counter + 1
              return wrk.format("GET", "/api/v1/appointments?limit=20&date_gte={{from}}&clinician_id=" .. clinicians[(counter % #clinicians) + 1], wrk.headers)
            end
            """);

        yield return new Scenario("patient appointments", "GET /appointments?patient_id=…&limit=20 (one patient among 200,000 appointments)", 200,
            auth + $$"""
            local patients = {{LuaList(seed.PatientIds)}}
            function request()
              counter = counter + 1
              return wrk.format("GET", "/api/v1/appointments?limit=20&patient_id=" .. patients[(counter % #patients) + 1], wrk.headers)
            end
            """);
    }

    private static string LuaList(IEnumerable<string> values)
    {
        var list = new StringBuilder("{");
        foreach (var value in values)
        {
            list.Append('"').Append(value).Append("\",");
        }
        return list.Append('}').ToString();
    }
}
