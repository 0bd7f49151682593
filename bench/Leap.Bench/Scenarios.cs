using System.Globalization;
using System.Text;

namespace Leap.Bench;

/// <summary>
/// A load scenario: a wrk Lua script and the one status every answer must have (anything else is counted and
/// invalidates the run). <c>{PHASE}</c> is replaced per wrk run so creates never repeat a slot.
/// </summary>
public sealed record Scenario(string Name, string Description, int ExpectedStatus, string Lua)
{
    /// <summary>The scenario this one is the limit row of (what the same work costs without the API around it).</summary>
    public string? LimitOf { get; init; }

    /// <summary>Connections for this scenario when not the run's (1: one request at a time, the sequential latency targets).</summary>
    public int? Connections { get; init; }

    /// <summary>Set-up against the running server before the scenario runs.</summary>
    public Func<HttpClient, Task>? Prepare { get; init; }

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
    public const string BookingName = "booking";
    public const string RawInsertName = "raw insert";

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

        yield return new Scenario(BookingName, "POST /appointments, distinct slots, Idempotency-Key on", 201,
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

        yield return new Scenario(RawInsertName, "POST /_bench/insert: one durable row through the same write path, nothing else", 201,
            Threads + """
            wrk.method = "POST"
            wrk.path = "/_bench/insert"
            """) { LimitOf = BookingName };

        yield return new Scenario("idempotent replay", "POST /appointments repeating one key and body", 201,
            auth + $$"""
            wrk.method = "POST"
            wrk.path = "/api/v1/appointments"
            wrk.headers["Idempotency-Key"] = "bench-replay"
            wrk.body = '{"title":"Replayed","patient_id":"{{seed.PatientIds[0]}}","start_time":"2040-01-01T09:00:00Z","end_time":"2040-01-01T09:30:00Z"}'
            """);

        var search = new Scenario("patient search", "GET /patients?search=…&limit=5", 200,
            auth + $$"""
            local terms = {{LuaList(seed.SearchTerms.Select(Uri.EscapeDataString))}}
            function request()
              counter = counter + 1
              return wrk.format("GET", "/api/v1/patients?limit=5&search=" .. terms[(counter % #terms) + 1], wrk.headers)
            end
            """);
        yield return search;
        yield return OneAtATime(search);
        var rawSearch = $"/_bench/search/{seed.OrgId}/test?limit=5&search=";
        yield return new Scenario("raw search", "GET /_bench/search: the patient search's query run and mapped by the store, no key, no JSON", 200,
            Threads + $$"""
            local terms = {{LuaList(seed.SearchTerms.Select(Uri.EscapeDataString))}}
            function request()
              counter = counter + 1
              return wrk.format("GET", "{{rawSearch}}" .. terms[(counter % #terms) + 1])
            end
            """)
        {
            LimitOf = search.Name,
            Prepare = async http =>
            {
                if (await http.GetStringAsync(rawSearch + Uri.EscapeDataString(seed.SearchTerms[0])) == "0")
                {
                    throw new InvalidOperationException("The raw search found none of the patient search's rows.");
                }
            },
        };

        var today = DateTimeOffset.UtcNow;
        var availability = new Scenario("availability", "GET /availability, 14 days, one template, one location (10 clinicians)", 200,
            auth + $$"""
            local locations = {{LuaList(seed.LocationIds)}}
            function request()
              counter = counter + 1
              return wrk.format("GET", "/api/v1/availability?appointment_template_id={{seed.TemplateId}}&date_from={{today.AddDays(1):yyyy-MM-dd}}&date_to={{today.AddDays(14):yyyy-MM-dd}}&location_id=" .. locations[(counter % #locations) + 1], wrk.headers)
            end
            """);
        yield return availability;
        yield return OneAtATime(availability);

        var availabilityQuery = $"appointment_template_id={seed.TemplateId}&date_from={today.AddDays(1):yyyy-MM-dd}&date_to={today.AddDays(14):yyyy-MM-dd}&location_id={seed.LocationIds[0]}";
        yield return new Scenario("availability serialize", "GET /_bench/availability: one location's 14-day answer, held in memory, serialized", 200,
            Threads + """wrk.path = "/_bench/availability" """)
        {
            LimitOf = "availability",
            Prepare = async http =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/availability?" + availabilityQuery);
                request.Headers.Authorization = new("Bearer", seed.ApiKey);
                using var answer = (await http.SendAsync(request)).EnsureSuccessStatusCode();
                using var held = new ByteArrayContent(await answer.Content.ReadAsByteArrayAsync());
                held.Headers.ContentType = new("application/json");
                (await http.PutAsync("/_bench/availability", held)).EnsureSuccessStatusCode();
            },
        };

        var from = today.AddDays(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        yield return new Scenario("appointment list", "GET /appointments?clinician_id=…&date_gte=…&limit=20", 200,
            auth + $$"""
            local clinicians = {{LuaList(seed.ClinicianIds)}}
            function request()
              counter = counter + 1
              return wrk.format("GET", "/api/v1/appointments?limit=20&date_gte={{from}}&clinician_id=" .. clinicians[(counter % #clinicians) + 1], wrk.headers)
            end
            """);

        var rawRead = $"/_bench/read?orgId={seed.OrgId}&mode=test&from={from}T00:00:00Z&clinicianId=";
        yield return new Scenario("raw read", "GET /_bench/read: the appointment list's 20 rows, every value read, no API work", 200,
            Threads + $$"""
            local clinicians = {{LuaList(seed.ClinicianIds)}}
            function request()
              counter = counter + 1
              return wrk.format("GET", "{{rawRead}}" .. clinicians[(counter % #clinicians) + 1])
            end
            """)
        {
            LimitOf = "appointment list",
            // A limit row that reads nothing would measure nothing.
            Prepare = async http =>
            {
                if (await http.GetStringAsync(rawRead + seed.ClinicianIds[0]) == "0")
                {
                    throw new InvalidOperationException("The raw read found none of the appointment list's rows.");
                }
            },
        };

        yield return new Scenario("patient appointments", "GET /appointments?patient_id=…&limit=20 (one patient among 200,000 appointments)", 200,
            auth + $$"""
            local patients = {{LuaList(seed.PatientIds)}}
            function request()
              counter = counter + 1
              return wrk.format("GET", "/api/v1/appointments?limit=20&patient_id=" .. patients[(counter % #patients) + 1], wrk.headers)
            end
            """);
    }

    /// <summary>The same requests on one connection: the latency of a request that waits for nobody.</summary>
    private static Scenario OneAtATime(Scenario scenario) =>
        scenario with { Name = scenario.Name + " (one at a time)", Description = scenario.Description + ", one connection", Connections = 1 };

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
