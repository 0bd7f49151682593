namespace Leap.Bench;

public sealed record Engine(string Name, string? PostgresConnectionString);

public enum DataSize { Quick, Full }

/// <summary>Command-line options: <c>--quick</c>, <c>--engine sqlite|postgres|all</c>, <c>--postgres CONN</c>, <c>--only a,b</c>, <c>--out FILE</c>.</summary>
public sealed class BenchOptions
{
    public DataSize Size { get; private init; } = DataSize.Full;
    public IReadOnlyList<Engine> Engines { get; private init; } = [];
    public TimeSpan Duration { get; private init; } = TimeSpan.FromSeconds(10);
    public TimeSpan WarmUp { get; private init; } = TimeSpan.FromSeconds(3);
    public int Connections { get; private init; } = 64;
    public int Threads { get; private init; } = 2;
    public int Port { get; private init; } = 5091;
    public string? OutputFile { get; private init; }
    public IReadOnlySet<string>? Only { get; private init; }

    /// <summary>Whether the run measures <paramref name="scenario"/>: the baseline always, a limit row with what it is the limit of.</summary>
    public bool Includes(Scenario scenario) =>
        Only is null || scenario.Name == Scenarios.BaselineName || Only.Contains(scenario.Name) || (scenario.LimitOf is { } of && Only.Contains(of));

    public static BenchOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var postgres = Value("--postgres") ?? Environment.GetEnvironmentVariable("LEAP_BENCH_POSTGRES");
        var engine = Value("--engine") ?? "all";
        var engines = new List<Engine>();
        if (engine is "sqlite" or "all")
        {
            engines.Add(new Engine("sqlite", null));
        }
        if (engine is "postgres" or "all")
        {
            if (postgres is null)
            {
                Console.WriteLine(engine == "all"
                    ? "note: no --postgres connection string (or LEAP_BENCH_POSTGRES): PostgreSQL is not measured."
                    : throw new ArgumentException("--engine postgres needs --postgres CONN or LEAP_BENCH_POSTGRES."));
            }
            else
            {
                engines.Add(new Engine("postgres", postgres));
            }
        }
        return new BenchOptions
        {
            Size = quick ? DataSize.Quick : DataSize.Full,
            Engines = engines,
            Duration = TimeSpan.FromSeconds(quick ? 1 : 10),
            WarmUp = TimeSpan.FromSeconds(quick ? 1 : 10),
            Connections = quick ? 16 : 64,
            OutputFile = Value("--out"),
            Only = Value("--only")?.Split(',').ToHashSet(),
        };
    }
}
