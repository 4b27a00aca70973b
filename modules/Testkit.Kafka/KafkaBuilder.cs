using Testkit.Modules;

namespace Testkit.Kafka;

/// <summary>Describes a Kafka broker with its ZooKeeper (inside the broker's container unless <see cref="WithZooKeeper"/> is
/// called). Immutable: every <c>WithX</c> returns a new builder.</summary>
public sealed record KafkaBuilder() : ModuleBuilder<KafkaBuilder, KafkaContainer>(KafkaContainer.Module)
{
    /// <summary>The broker's version when set by hand; null to read it from the broker's log at start.</summary>
    public string? BrokerVersion { get; init; }

    /// <summary>How the broker's ZooKeeper container is described; null (the default) runs ZooKeeper inside the broker's container.</summary>
    public ZooKeeperBuilder? ZooKeeper { get; init; }

    /// <summary>Says which Kafka version the image runs (e.g. <c>0.9.0.1</c>), for images whose log does not say it.</summary>
    public KafkaBuilder WithBrokerVersion(string version)
    {
        if (!KafkaAdmin.TryParseVersion(version, out _))
        {
            throw new ArgumentException($"'{version}' is not a Kafka version; give digits and dots, e.g. \"0.9.0.1\" or \"3.6.1\".", nameof(version));
        }

        return this with { BrokerVersion = version };
    }

    /// <summary>Runs ZooKeeper in a container of its own (<see cref="ZooKeeperContainer"/>, configured by
    /// <paramref name="configure"/>), both on a private network, like the classic cp-zookeeper + cp-kafka pair. Slower to
    /// start than the default (ZooKeeper inside the broker's container): a network and a second container.</summary>
    public KafkaBuilder WithZooKeeper(Func<ZooKeeperBuilder, ZooKeeperBuilder>? configure = null) =>
        this with { ZooKeeper = (configure ?? (static z => z))(ZooKeeper ?? new ZooKeeperBuilder()) };

    /// <inheritdoc />
    public override KafkaContainer Build() => new(this);
}
