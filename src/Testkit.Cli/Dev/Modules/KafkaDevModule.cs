using Testkit.Containers;
using Testkit.Kafka;
using Testkit.Networks;

namespace Testkit.Cli.Dev.Modules;

/// <summary>Kafka with its ZooKeeper through <see cref="KafkaContainer"/>, both on a kept network of their own, each with
/// a volume. The broker advertises 127.0.0.1 and the fixed port from its environment (the module hands the address in
/// after the start instead, which nothing would do when the engine restarts the container after a reboot).</summary>
internal sealed class KafkaDevModule() : DevModule(KafkaContainer.Module)
{
    private static readonly string ZooKeeperRole = ZooKeeperContainer.Module.Name;

    public override bool UsesPassword => false;

    public override IReadOnlyList<string> Roles => [DevLabels.MainRole, ZooKeeperRole];

    public override async Task<DevConnection> StartAsync(DevStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var image = Module.ImageOf(start.Version);
        var zookeeperImage = ZooKeeperContainer.Module.ImageOf(start.Version);
        var network = DevLabels.For(start.Name, Name, "network")
            .Aggregate(new NetworkBuilder().WithName(DevNames.Network(start.Name)).WithLogger(start.Logger), (b, l) => b.WithLabel(l.Key, l.Value))
            .Build();
        var kafka = new KafkaBuilder()
            .WithImage(image)
            .WithZooKeeper(z => z.WithImage(zookeeperImage).WithContainer(c =>
                start.Configure(c.WithNetwork(network, "zookeeper"), ZooKeeperRole, ZooKeeperContainer.Module.DataPath!, publishedPort: null, zookeeperImage)))
            .WithContainer(c => start.Configure(
                new ContainerBuilder(c.Settings with { Networks = [], Entrypoint = null, Command = null })
                    .WithNetwork(network, "kafka")
                    .WithEnvironment("KAFKA_ADVERTISED_LISTENERS", $"PLAINTEXT://127.0.0.1:{start.Port},BROKER://kafka:9093"),
                DevLabels.MainRole, Module.DataPath!, Module.Port, image))
            .Build();
        try
        {
            await kafka.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The module removed the broker, its ZooKeeper and its own network; the kept network is this module's to remove.
            await network.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        // The module's private network only served the start (its ZooKeeper joins it): the service lives on the kept one.
        await kafka.Network!.DisposeAsync().ConfigureAwait(false);
        var details = new Dictionary<string, string> { ["bootstrapServers"] = kafka.BootstrapServers };
        if (kafka.BrokerVersion is { } version)
        {
            details["brokerVersion"] = version;
        }

        return new DevConnection(image, kafka.BootstrapServers, null, details);
    }
}
