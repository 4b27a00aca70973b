using Testkit.Benchmarks.Harness;
using Testkit.Benchmarks.Services;

namespace Testkit.Benchmarks.Scenarios;

/// <summary>Issue 9: a new Redis to the first PING through StackExchange.Redis, and its dispose.</summary>
internal sealed class RedisScenario : Scenario
{
    public override string Key => "redis";

    public override string Title => "Redis";

    public override IReadOnlyList<Metric> Metrics { get; } =
    [
        new(ServiceRuns.StartLap, "Redis: new container to first PING (StackExchange.Redis)"),
        new(ServiceRuns.DisposeLap, "Redis: dispose"),
    ];

    public override IReadOnlyList<string> Notes =>
    [
        "Every row ends with the same probe: a new `ConnectionMultiplexer` and `PING`.",
        $"Testkit: `new RedisContainer()`. Testcontainers: `new RedisBuilder(\"{LocalImages.Redis}\")`, both with their defaults. "
            + "Floor: `docker run -d -p 127.0.0.1::6379`, `docker port`, then the probe every 10 ms until it answers; dispose = `docker rm -f -v`.",
    ];

    public override Task<IReadOnlyList<Row>> SetUpAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<Row>>(
    [
        ServiceRuns.Row(Tool.Testkit, () => new TestkitRedis()),
        ServiceRuns.Row(Tool.Testcontainers, () => new TestcontainersRedis()),
        ServiceRuns.Row(Tool.DockerCli, () => new CliRedis()),
    ]);
}
