using Testkit.Benchmarks.Clients;
using Testkit.Benchmarks.Harness;
using Testkit.Benchmarks.Services;

namespace Testkit.Benchmarks.Scenarios;

/// <summary>Issue 9: Kafka with ZooKeeper, from nothing to the first message consumed through a consumer group
/// (Testkit ≤ 0.5× Testcontainers.Kafka), and the dispose of all of it.</summary>
internal sealed class KafkaScenario : Scenario
{
    public override string Key => "kafka";

    public override string Title => "Kafka with ZooKeeper";

    public override IReadOnlyList<Metric> Metrics { get; } =
    [
        new(ServiceRuns.StartLap, "Kafka + ZooKeeper: start to first message consumed through a consumer group",
            Goal.Ratio(Tool.Testkit, Tool.Testcontainers, 0.5)),
        new(ServiceRuns.DisposeLap, "Kafka + ZooKeeper: dispose"),
    ];

    public override IReadOnlyList<string> Notes =>
    [
        $"Every row ends with the same probe: produce one message to `{KafkaProbe.Topic}` (auto-created) and wait for its acknowledgement, then consume it through group `{KafkaProbe.Group}` (Confluent.Kafka; 0.9 settings: `api.version.request=false`, `broker.version.fallback`, 10 s session timeout).",
        "Testkit: `new KafkaContainer()` (one container: the broker with ZooKeeper inside) and its `ProducerConfig()` / `ConsumerConfig()`.",
        "Testcontainers: `KafkaBuilder` on the local cp-kafka with `WithVendor(Confluent)` and its defaults (ZooKeeper embedded in the broker's container with `zookeeper-server-start`).",
        "docker CLI (floor): one `docker run -d` of the broker with ZooKeeper started inside it (`zookeeper-server-start`), listening on a free host port and advertising `127.0.0.1:<port>`, a metadata request polled (10 ms reconnect back-off) until it answers, then the probe; dispose = `docker rm -f -v`.",
    ];

    public override Task<IReadOnlyList<Row>> SetUpAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<Row>>(
    [
        ServiceRuns.Row(Tool.Testkit, () => new TestkitKafka(), FirstMessageConsumedAsync),
        ServiceRuns.Row(Tool.Testcontainers, () => new TestcontainersKafka(), FirstMessageConsumedAsync),
        ServiceRuns.Row(Tool.DockerCli, () => new CliKafka(), FirstMessageConsumedAsync),
    ]);

    private static Task FirstMessageConsumedAsync(IKafkaUnderTest kafka, Laps laps, CancellationToken cancellationToken) =>
        KafkaProbe.FirstMessageConsumedAsync(kafka.ProducerConfig(), kafka.ConsumerConfig(), phase => laps.Phase = phase, cancellationToken);
}
