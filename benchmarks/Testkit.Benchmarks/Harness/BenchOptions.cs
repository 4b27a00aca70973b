using System.Globalization;

namespace Testkit.Benchmarks.Harness;

/// <summary>The command line of the side-by-side run.</summary>
internal sealed record BenchOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project benchmarks/Testkit.Benchmarks -- [options]
               dotnet run -c Release --project benchmarks/Testkit.Benchmarks -- micro [BenchmarkDotNet options]

          --runs N          measured runs of each row (default 7)
          --warmup N        warm-up runs of each row, not counted (default 1)
          --scenario A,B    only these scenarios: postgres, redis, together, kafka, databases (default all)
          --tools A,B       only the rows of these tools: testkit, testcontainers, dockercli (default all)
          --out FILE        also write the tables to FILE (markdown)
          --run-id ID       label value put on every container and network this run creates (default random)
          --timeout S       limit of one run of one row, in seconds (default 120)
          --pause MS        pause after each run, for the engine to settle (default 250)
        """;

    public int Runs { get; init; } = 7;

    public int Warmups { get; init; } = 1;

    public IReadOnlySet<string>? Scenarios { get; init; }

    public IReadOnlySet<Tool>? Tools { get; init; }

    public string? OutFile { get; init; }

    public string RunId { get; init; } = Guid.NewGuid().ToString("N")[..12];

    public TimeSpan RunTimeout { get; init; } = TimeSpan.FromSeconds(120);

    public TimeSpan Pause { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <exception cref="ArgumentException">An unknown option or a bad value; the message says which.</exception>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int Number(int min) => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min
                ? n
                : throw new ArgumentException($"{name} takes a whole number ≥ {min}.");
            options = name switch
            {
                "--runs" => options with { Runs = Number(1) },
                "--warmup" => options with { Warmups = Number(0) },
                "--scenario" => options with { Scenarios = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase) },
                "--tools" => options with { Tools = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseTool).ToHashSet() },
                "--out" => options with { OutFile = Path.GetFullPath(Value()) },
                "--run-id" => options with { RunId = Value() },
                "--timeout" => options with { RunTimeout = TimeSpan.FromSeconds(Number(1)) },
                "--pause" => options with { Pause = TimeSpan.FromMilliseconds(Number(0)) },
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            };
        }

        return options;
    }

    private static Tool ParseTool(string name) => Enum.TryParse<Tool>(name, ignoreCase: true, out var tool)
        ? tool
        : throw new ArgumentException($"Unknown tool '{name}': give testkit, testcontainers or dockercli.");
}
