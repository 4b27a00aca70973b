using BenchmarkDotNet.Attributes;
using Testkit.Containers;
using Testkit.Postgres;
using Testkit.Waiting;

namespace Testkit.Benchmarks.Micro;

/// <summary>Describing a container: every <c>WithX</c> copies an immutable settings record, so a long chain should stay cheap.</summary>
[MemoryDiagnoser]
public class ContainerBuilderBenchmarks
{
    [Benchmark(Description = "ContainerBuilder: 8 options to settings")]
    public ContainerSettings SettingsChain() => Describe().Settings;

    [Benchmark(Description = "ContainerBuilder: 8 options, Build() (validated)")]
    public Container Build() => Describe().Build();

    [Benchmark(Description = "PostgresBuilder: module defaults, Build()")]
    public PostgresContainer PostgresModule() => new PostgresBuilder().WithDatabase("orders").WithServerSetting("max_connections", "200").Build();

    private static ContainerBuilder Describe() => new ContainerBuilder("redis:7")
        .WithPortBinding(6379)
        .WithEnvironment("MODE", "test")
        .WithEnvironment("API_TOKEN", "not-a-secret")
        .WithLabel("team", "bench")
        .ReplaceCommand("redis-server", "--appendonly", "no")
        .WithTmpfsMount("/data")
        .WithWaitStrategy(Wait.ForLogMessage("Ready to accept connections"))
        .WithStartupTimeout(TimeSpan.FromSeconds(30));
}
