using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Testcontainers.Kafka;
using Testkit.Benchmarks.Clients;
using Testkit.Benchmarks.Harness;

namespace Testkit.Benchmarks.Services;

/// <summary>Kafka with its ZooKeeper as one tool runs it, with the client settings its broker needs.</summary>
internal interface IKafkaUnderTest : IServiceUnderTest
{
    ProducerConfig ProducerConfig();

    ConsumerConfig ConsumerConfig();
}

/// <summary>Testkit's module with its defaults: a private network, ZooKeeper and the broker.</summary>
internal sealed class TestkitKafka : IKafkaUnderTest
{
    private readonly Testkit.Kafka.KafkaContainer kafka = new();

    public Task StartAsync(CancellationToken cancellationToken) => kafka.StartAsync(cancellationToken);

    public Task FirstAnswerAsync(CancellationToken cancellationToken) => KafkaProbe.MetadataAnsweredAsync(kafka.AdminConfig(), cancellationToken);

    public ProducerConfig ProducerConfig() => kafka.ProducerConfig();

    public ConsumerConfig ConsumerConfig() => kafka.ConsumerConfig(KafkaProbe.Group);

    public ValueTask DisposeAsync() => kafka.DisposeAsync();
}

/// <summary>Testcontainers.Kafka with its defaults on the local cp-kafka stand-in: ZooKeeper embedded in the broker's
/// container (started there with <c>zookeeper-server-start</c>, which the stand-in has as cp-kafka does). The vendor is given
/// because it is read from the image name, which is the local one here.</summary>
internal sealed class TestcontainersKafka : IKafkaUnderTest
{
    private readonly KafkaContainer kafka = new KafkaBuilder(LocalImages.Kafka)
        .WithVendor(KafkaVendor.Confluent)
        .WithLabel(BenchRun.Label, BenchRun.Id)
        .WithLogger(NullLogger.Instance)
        .Build();

    public Task StartAsync(CancellationToken cancellationToken) => kafka.StartAsync(cancellationToken);

    public Task FirstAnswerAsync(CancellationToken cancellationToken) =>
        KafkaProbe.MetadataAnsweredAsync(KafkaProbe.ForBroker(new AdminClientConfig(), kafka.GetBootstrapAddress(), LocalImages.Kafka), cancellationToken);

    public ProducerConfig ProducerConfig() => KafkaProbe.ForBroker(new ProducerConfig(), kafka.GetBootstrapAddress(), LocalImages.Kafka);

    public ConsumerConfig ConsumerConfig() => KafkaProbe.Consumer(kafka.GetBootstrapAddress(), LocalImages.Kafka);

    public ValueTask DisposeAsync() => kafka.DisposeAsync();
}

/// <summary>The script a user would write with the docker CLI: one <c>docker run</c> of the broker with ZooKeeper started
/// inside it (<c>zookeeper-server-start</c>, as Testcontainers does), listening on a free host port that it also advertises
/// as <c>127.0.0.1:port</c> (Kafka 0.9 has one listener, and its controller dials the advertised address from inside,
/// where the same port then answers), then a metadata request polled until the broker answers.</summary>
internal sealed class CliKafka : IKafkaUnderTest
{
    private const string StartWithZooKeeperInside =
        "printf '%s\\n' clientPort=2181 dataDir=/var/lib/zookeeper/data dataLogDir=/var/lib/zookeeper/log > /tmp/zookeeper.properties; "
        + "zookeeper-server-start /tmp/zookeeper.properties & exec /etc/confluent/docker/run";

    private readonly int port = DockerCli.FreeLoopbackPort();
    private string? broker;

    private string BootstrapServers => $"127.0.0.1:{port}";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        broker = await DockerCli.RunAsync(cancellationToken, "run", "-d", "--label", BenchRun.LabelArgument, "-p", $"127.0.0.1:{port}:{port}",
            "-e", "KAFKA_BROKER_ID=1", "-e", "KAFKA_ZOOKEEPER_CONNECT=localhost:2181",
            "-e", $"KAFKA_LISTENERS=PLAINTEXT://0.0.0.0:{port}", "-e", $"KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://{BootstrapServers}",
            "-e", "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=1", "-e", "KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS=1", "-e", "KAFKA_AUTO_CREATE_TOPICS_ENABLE=true",
            "--entrypoint", "/bin/sh", LocalImages.Kafka, "-c", StartWithZooKeeperInside);

        // A script's readiness check: poll until the broker answers a metadata request, so that the clients that follow
        // do not meet it still starting (and back off for seconds) — the SDKs' StartAsync waits the same way.
        await FirstAnswerAsync(cancellationToken);
    }

    public Task FirstAnswerAsync(CancellationToken cancellationToken) =>
        KafkaProbe.MetadataAnsweredAsync(KafkaProbe.ForBroker(new AdminClientConfig(), BootstrapServers, LocalImages.Kafka), cancellationToken);

    public ProducerConfig ProducerConfig() => KafkaProbe.ForBroker(new ProducerConfig(), BootstrapServers, LocalImages.Kafka);

    public ConsumerConfig ConsumerConfig() => KafkaProbe.Consumer(BootstrapServers, LocalImages.Kafka);

    public async ValueTask DisposeAsync() => await DockerCli.RemoveContainerAsync(broker);
}
