using System.Diagnostics;
using Testkit.Benchmarks.Harness;
using Testkit.Benchmarks.Services;

namespace Testkit.Benchmarks.Scenarios;

/// <summary>Issue 9: Postgres, Redis and Kafka started together, against the slowest of them alone (together ≤ 1.2× the
/// slowest alone). "Ready" is each service's first answer: <c>SELECT 1</c>, PING, a Kafka metadata request.</summary>
internal sealed class TogetherScenario : Scenario
{
    private const string Together = "all three together";
    private const string ReadyLap = "ready";

    public override string Key => "together";

    public override string Title => "Postgres + Redis + Kafka started together";

    public override IReadOnlyList<Metric> Metrics { get; } =
    [
        new(ReadyLap, "Postgres + Redis + Kafka: together vs each alone (start to first answer of every service)",
            Goal.TogetherVsSlowestAlone(Tool.Testkit, Together, 1.2),
            Goal.TogetherVsSlowestAlone(Tool.Testcontainers, Together, 1.2),
            Goal.TogetherVsSlowestAlone(Tool.DockerCli, Together, 1.2)),
    ];

    public override IReadOnlyList<string> Notes =>
    [
        "Each run starts from nothing, ends when every service answered its client (Postgres `SELECT 1`, Redis `PING`, Kafka metadata), then removes everything (not timed here).",
        "Together: the three `StartAsync` calls at once (`Task.WhenAll`), as a test fixture would. The Testcontainers and docker CLI rows are the same services as in the other tables (the CLI's Postgres from an image initialised once, as its floor row), started the same way; the issue's goal is Testkit's, and the same check on the other two shows what starting three at once costs on this machine whatever starts them (the engine's own work for three containers competes for the same cores as Kafka's two JVMs).",
    ];

    public override async Task<IReadOnlyList<Row>> SetUpAsync(CancellationToken cancellationToken)
    {
        var image = RemovedOnDispose(await CliPostgres.CreateInitialisedImageAsync(cancellationToken));
        return
        [
            Alone(Tool.Testkit, "Postgres alone", () => new TestkitPostgres()),
            Alone(Tool.Testkit, "Redis alone", () => new TestkitRedis()),
            Alone(Tool.Testkit, "Kafka alone", () => new TestkitKafka()),
            AllTogether(Tool.Testkit, () => [new TestkitPostgres(), new TestkitRedis(), new TestkitKafka()]),
            Alone(Tool.Testcontainers, "Postgres alone", () => new TestcontainersPostgres()),
            Alone(Tool.Testcontainers, "Redis alone", () => new TestcontainersRedis()),
            Alone(Tool.Testcontainers, "Kafka alone", () => new TestcontainersKafka()),
            AllTogether(Tool.Testcontainers, () => [new TestcontainersPostgres(), new TestcontainersRedis(), new TestcontainersKafka()]),
            Alone(Tool.DockerCli, "Postgres alone", () => new CliPostgres(image)),
            Alone(Tool.DockerCli, "Redis alone", () => new CliRedis()),
            Alone(Tool.DockerCli, "Kafka alone", () => new CliKafka()),
            AllTogether(Tool.DockerCli, () => [new CliPostgres(image), new CliRedis(), new CliKafka()]),
        ];
    }

    private static Row Alone(Tool tool, string @case, Func<IServiceUnderTest> create) => AllTogether(tool, () => [create()], @case);

    private static Row AllTogether(Tool tool, Func<IReadOnlyList<IServiceUnderTest>> create, string @case = Together) => new(tool, @case, async (laps, cancellationToken) =>
    {
        var clock = Stopwatch.StartNew();
        var services = create();
        try
        {
            await Task.WhenAll(services.Select(async service =>
            {
                await service.StartAsync(cancellationToken);
                await service.FirstAnswerAsync(cancellationToken);
            }));
            laps.Record(ReadyLap, clock.Elapsed);
        }
        finally
        {
            await Task.WhenAll(services.Select(s => s.DisposeAsync().AsTask()));
        }
    });
}
