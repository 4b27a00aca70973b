using Confluent.Kafka;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Networks;
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

/// <summary>Testcontainers.Kafka on the local cp-kafka stand-in. Its default (ZooKeeper embedded in the broker container
/// with <c>zookeeper-server-start</c>) needs a script the stand-in does not have, so it runs its documented external
/// ZooKeeper (<c>WithZooKeeper</c>): a generic container of the local cp-zookeeper on a network, started together with the
/// broker. The vendor is given because it is read from the image name, which is the local one here.</summary>
internal sealed class TestcontainersKafka : IKafkaUnderTest
{
    private const string ZooKeeperAlias = "zookeeper";

    private readonly INetwork network;
    private readonly IContainer zookeeper;
    private readonly KafkaContainer kafka;

    public TestcontainersKafka()
    {
        network = new NetworkBuilder().WithLabel(BenchRun.Label, BenchRun.Id).WithLogger(NullLogger.Instance).Build();
        zookeeper = new ContainerBuilder(LocalImages.ZooKeeper)
            .WithNetwork(network)
            .WithNetworkAliases(ZooKeeperAlias)
            .WithEnvironment("ZOOKEEPER_CLIENT_PORT", "2181")
            .WithLabel(BenchRun.Label, BenchRun.Id)
            .WithLogger(NullLogger.Instance)
            .Build();
        kafka = new KafkaBuilder(LocalImages.Kafka)
            .WithVendor(KafkaVendor.Confluent)
            .WithZooKeeper($"{ZooKeeperAlias}:2181")
            .WithNetwork(network)
            .WithLabel(BenchRun.Label, BenchRun.Id)
            .WithLogger(NullLogger.Instance)
            .Build();
    }

    // Both at once: the stand-in broker waits for ZooKeeper by itself, so this is the fastest a user can do.
    public Task StartAsync(CancellationToken cancellationToken) => Task.WhenAll(zookeeper.StartAsync(cancellationToken), kafka.StartAsync(cancellationToken));

    public Task FirstAnswerAsync(CancellationToken cancellationToken) =>
        KafkaProbe.MetadataAnsweredAsync(KafkaProbe.ForBroker(new AdminClientConfig(), kafka.GetBootstrapAddress(), LocalImages.Kafka), cancellationToken);

    public ProducerConfig ProducerConfig() => KafkaProbe.ForBroker(new ProducerConfig(), kafka.GetBootstrapAddress(), LocalImages.Kafka);

    public ConsumerConfig ConsumerConfig() => KafkaProbe.Consumer(kafka.GetBootstrapAddress(), LocalImages.Kafka);

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(kafka.DisposeAsync().AsTask(), zookeeper.DisposeAsync().AsTask());
        await network.DisposeAsync();
    }
}

/// <summary>The script a user would write with the docker CLI: a network, ZooKeeper and the broker started at once, the
/// broker listening on a free host port that it also advertises as <c>127.0.0.1:port</c> (Kafka 0.9 has one listener,
/// and its controller dials the advertised address from inside, where the same port then answers), then a metadata
/// request polled until the broker answers.</summary>
internal sealed class CliKafka : IKafkaUnderTest
{
    private readonly int port = DockerCli.FreeLoopbackPort();
    private readonly string network = $"testkit-bench-kafka-{Guid.NewGuid().ToString("N")[..8]}";
    private bool networkCreated;
    private string? zookeeper;
    private string? broker;

    private string BootstrapServers => $"127.0.0.1:{port}";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await DockerCli.RunAsync(cancellationToken, "network", "create", "--label", BenchRun.LabelArgument, network);
        networkCreated = true;
        var zookeeperRun = DockerCli.RunAsync(cancellationToken, "run", "-d", "--label", BenchRun.LabelArgument, "--network", network, "--network-alias", "zookeeper",
            "-e", "ZOOKEEPER_CLIENT_PORT=2181", LocalImages.ZooKeeper);
        var brokerRun = DockerCli.RunAsync(cancellationToken, "run", "-d", "--label", BenchRun.LabelArgument, "--network", network, "-p", $"127.0.0.1:{port}:{port}",
            "-e", "KAFKA_BROKER_ID=1", "-e", "KAFKA_ZOOKEEPER_CONNECT=zookeeper:2181",
            "-e", $"KAFKA_LISTENERS=PLAINTEXT://0.0.0.0:{port}", "-e", $"KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://{BootstrapServers}",
            "-e", "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=1", "-e", "KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS=1", "-e", "KAFKA_AUTO_CREATE_TOPICS_ENABLE=true",
            LocalImages.Kafka);
        try
        {
            await Task.WhenAll(zookeeperRun, brokerRun);
        }
        finally
        {
            zookeeper = zookeeperRun.IsCompletedSuccessfully ? zookeeperRun.Result : null;
            broker = brokerRun.IsCompletedSuccessfully ? brokerRun.Result : null;
        }

        // A script's readiness check: poll until the broker answers a metadata request, so that the clients that follow
        // do not meet it still starting (and back off for seconds) — the SDKs' StartAsync waits the same way.
        await FirstAnswerAsync(cancellationToken);
    }

    public Task FirstAnswerAsync(CancellationToken cancellationToken) =>
        KafkaProbe.MetadataAnsweredAsync(KafkaProbe.ForBroker(new AdminClientConfig(), BootstrapServers, LocalImages.Kafka), cancellationToken);

    public ProducerConfig ProducerConfig() => KafkaProbe.ForBroker(new ProducerConfig(), BootstrapServers, LocalImages.Kafka);

    public ConsumerConfig ConsumerConfig() => KafkaProbe.Consumer(BootstrapServers, LocalImages.Kafka);

    public async ValueTask DisposeAsync()
    {
        string[] containers = [.. new[] { broker, zookeeper }.OfType<string>()];
        if (containers.Length > 0)
        {
            await DockerCli.RunAsync(["rm", "-f", "-v", .. containers], CancellationToken.None);
        }

        if (networkCreated)
        {
            await DockerCli.RunAsync(CancellationToken.None, "network", "rm", network);
        }
    }
}
