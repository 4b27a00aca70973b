using System.Diagnostics;
using Npgsql;
using Testkit.Benchmarks.Harness;
using Testkit.Postgres;
using Testkit.Postgres.Databases;

namespace Testkit.Benchmarks.Scenarios;

/// <summary>Issue 9: a database per test inside one running Postgres — a fresh one cloned from the template
/// (median ≤ 20 ms) and one taken from the warm pool (median ≤ 5 ms), 50 takes each.</summary>
internal sealed class PerTestDatabaseScenario : Scenario
{
    private const string Fresh = "fresh database (template clone)";
    private const string Pooled = "from the warm pool";
    private const string TakeLap = "take";
    private const string DropLap = "drop";
    private const int PoolSize = 4;

    private PostgresContainer? postgres;
    private PostgresTemplate? pooledTemplate;
    private NpgsqlDataSource? server;

    public override string Key => "databases";

    public override string Title => "Per-test database";

    // One take is milliseconds: 50 per row whatever --runs says, for a median worth the name.
    public override int? RunsPerRow => 50;

    public override IReadOnlyList<Metric> Metrics { get; } =
    [
        new(TakeLap, "Per-test database: time to get one (`CreateDatabaseAsync`)",
            Goal.MedianAtMost(Tool.Testkit, TimeSpan.FromMilliseconds(20), Fresh),
            Goal.MedianAtMost(Tool.Testkit, TimeSpan.FromMilliseconds(5), Pooled)),
        new(DropLap, "Per-test database: dispose (DROP DATABASE)"),
    ];

    public override IReadOnlyList<string> Notes =>
    [
        "One `PostgresContainer` for the whole scenario. Fresh: `pg.CreateDatabaseAsync()` (a clone of the default template, made by a first call in set-up). "
            + $"Pool: `pg.CreateTemplateAsync(new PostgresTemplateOptions {{ PoolSize = {PoolSize} }})`, then `template.CreateDatabaseAsync()`; the pool refills in the background during the pause between runs.",
        "Floor: the statement Testkit sends for a fresh database, `CREATE DATABASE … TEMPLATE <the default template> STRATEGY FILE_COPY`, "
            + "on a pooled Npgsql connection to the same server, and `DROP DATABASE … WITH (FORCE)`: what the server and the kernel's file copies cost, with no SDK around them.",
        "Testcontainers has no such feature: no comparison row.",
    ];

    public override async Task<IReadOnlyList<Row>> SetUpAsync(CancellationToken cancellationToken)
    {
        postgres = new PostgresContainer();
        await postgres.StartAsync(cancellationToken);

        // The first call copies the database into the default template: set-up, not a take.
        string defaultTemplate;
        await using (var first = await postgres.CreateDatabaseAsync(cancellationToken))
        {
            defaultTemplate = first.TemplateName;
        }

        pooledTemplate = await postgres.CreateTemplateAsync(new PostgresTemplateOptions { PoolSize = PoolSize }, cancellationToken);
        server = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(postgres.GetConnectionString()) { Database = "postgres" }.ConnectionString);
        var container = postgres;
        var template = pooledTemplate;
        var floor = server;
        return
        [
            new Row(Tool.Testkit, Fresh, (laps, ct) => TakeAsync(() => container.CreateDatabaseAsync(ct), laps)),
            new Row(Tool.Testkit, Pooled, (laps, ct) => TakeAsync(() => template.CreateDatabaseAsync(ct), laps)),
            new Row(Tool.PostgresServer, (laps, ct) => CloneOnServerAsync(floor, defaultTemplate, laps, ct)),
        ];
    }

    public override async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        if (pooledTemplate is not null)
        {
            await pooledTemplate.DisposeAsync();
        }

        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    private static async Task TakeAsync(Func<Task<PostgresDatabase>> take, Laps laps)
    {
        var clock = Stopwatch.StartNew();
        var database = await take();
        laps.Record(TakeLap, clock.Elapsed);
        clock.Restart();
        await database.DisposeAsync();
        laps.Record(DropLap, clock.Elapsed);
    }

    private static async Task CloneOnServerAsync(NpgsqlDataSource server, string template, Laps laps, CancellationToken cancellationToken)
    {
        var name = "bench_floor_" + Guid.NewGuid().ToString("N")[..12];
        var clock = Stopwatch.StartNew();
        try
        {
            await using (var create = server.CreateCommand($"CREATE DATABASE {name} TEMPLATE \"{template}\" STRATEGY FILE_COPY"))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            laps.Record(TakeLap, clock.Elapsed);
        }
        finally
        {
            clock.Restart();
            await using var drop = server.CreateCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
            laps.Record(DropLap, clock.Elapsed);
        }
    }
}
