using Testkit.Benchmarks.Harness;
using Testkit.Benchmarks.Services;
using Testkit.Postgres;

namespace Testkit.Benchmarks.Scenarios;

/// <summary>Issue 9: a new Postgres to the first answered <c>SELECT 1</c> (Testkit ≤ 0.25× Testcontainers and ≤ 1.25× the
/// floor), and its dispose (within 10 % of <c>docker rm -f -v</c>).</summary>
internal sealed class PostgresScenario : Scenario
{
    private const string WithoutSnapshot = "snapshot starts off";

    public override string Key => "postgres";

    public override string Title => "Postgres";

    public override IReadOnlyList<Metric> Metrics { get; } =
    [
        new(ServiceRuns.StartLap, "Postgres: new container to first `SELECT 1` (Npgsql)",
            Goal.Ratio(Tool.Testkit, Tool.Testcontainers, 0.25), Goal.Ratio(Tool.Testkit, Tool.DockerCli, 1.25)),
        new(ServiceRuns.DisposeLap, "Postgres: dispose", Goal.Ratio(Tool.Testkit, Tool.DockerCli, 1.10)),
    ];

    public override IReadOnlyList<string> Notes =>
    [
        "Every row ends with the same probe: `SELECT 1` on a new unpooled Npgsql connection.",
        "Testkit: `new PostgresContainer()` with the module's defaults as they are in this build (snapshot starts on), `StartAsync`; dispose = `DisposeAsync`. "
            + $"Testkit: {WithoutSnapshot}: the same with `new PostgresBuilder().WithSnapshot(false)` (initdb on every start); its ratios are to the rows without a case.",
        $"Testcontainers: `new PostgreSqlBuilder(\"{LocalImages.Postgres}\")` with its defaults (readiness: `pg_isready` by exec, about once a second); dispose = `DisposeAsync`.",
        "Floor: `docker run -d -p 127.0.0.1::5432` of an image whose data directory was initialised once and committed (no initdb), `docker port`, then the probe every 10 ms until it answers; dispose = `docker rm -f -v`.",
    ];

    public override async Task<IReadOnlyList<Row>> SetUpAsync(CancellationToken cancellationToken)
    {
        var image = RemovedOnDispose(await CliPostgres.CreateInitialisedImageAsync(cancellationToken));
        return
        [
            ServiceRuns.Row(Tool.Testkit, () => new TestkitPostgres()),
            ServiceRuns.Row(Tool.Testkit, () => new TestkitPostgres(new PostgresBuilder().WithSnapshot(false)), @case: WithoutSnapshot),
            ServiceRuns.Row(Tool.Testcontainers, () => new TestcontainersPostgres()),
            ServiceRuns.Row(Tool.DockerCli, () => new CliPostgres(image)),
        ];
    }
}
