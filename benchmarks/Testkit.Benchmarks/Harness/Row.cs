namespace Testkit.Benchmarks.Harness;

/// <summary>Who does the work in a row: the tables compare rows of the same case across tools.</summary>
internal enum Tool
{
    Testkit,
    Testcontainers,

    /// <summary>The docker CLI with nothing on top: the floor the SDKs are measured against.</summary>
    DockerCli,

    /// <summary>PostgreSQL's own statement over a plain Npgsql connection: the floor where no container starts (per-test databases).</summary>
    PostgresServer,
}

/// <summary>One measured thing, run once per round: it records its laps (e.g. start, dispose) and must remove
/// everything it created before it returns, also when it fails or is cancelled.</summary>
/// <param name="Tool">Who does the work.</param>
/// <param name="Case">What is done when a scenario has several (e.g. "Postgres alone"); empty when it has one.</param>
/// <param name="RunOnceAsync">One run; an exception makes it a failed run, not a measurement.</param>
internal sealed record Row(Tool Tool, string Case, Func<Laps, CancellationToken, Task> RunOnceAsync)
{
    public Row(Tool tool, Func<Laps, CancellationToken, Task> runOnceAsync) : this(tool, "", runOnceAsync) { }

    public string Name => Case.Length == 0 ? ToolName(Tool) : $"{ToolName(Tool)}: {Case}";

    public static bool IsFloor(Tool tool) => tool is Tool.DockerCli or Tool.PostgresServer;

    public static string ToolName(Tool tool) => tool switch
    {
        Tool.Testkit => "Testkit",
        Tool.Testcontainers => "Testcontainers",
        Tool.DockerCli => "docker CLI (floor)",
        Tool.PostgresServer => "PostgreSQL itself (floor)",
        _ => tool.ToString(),
    };
}
