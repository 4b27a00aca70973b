using Testkit.Containers;
using Testkit.Images;

namespace Testkit.Kafka;

/// <summary>Describes a Kafka broker with its ZooKeeper (inside the broker's container unless <see cref="WithZooKeeper"/> is
/// called). Immutable: every <c>WithX</c> returns a new builder.</summary>
public sealed record KafkaBuilder
{
    /// <summary>The broker's image, <see cref="KafkaContainer.DefaultImage"/> unless set.</summary>
    public string Image { get; init; } = KafkaContainer.DefaultImage;

    /// <summary>The broker's version when set by hand; null to read it from the broker's log at start.</summary>
    public string? BrokerVersion { get; init; }

    /// <summary>How the broker's ZooKeeper container is described; null (the default) runs ZooKeeper inside the broker's container.</summary>
    public ZooKeeperBuilder? ZooKeeper { get; init; }

    /// <summary>Core container options for the broker, applied last (labels, waits, logger…).</summary>
    public Func<ContainerBuilder, ContainerBuilder> Customize { get; init; } = static c => c;

    /// <summary>Runs another broker image, e.g. another <c>confluentinc/cp-kafka</c> tag or a private mirror.</summary>
    /// <exception cref="ArgumentException">The name is not an image reference.</exception>
    public KafkaBuilder WithImage(string image)
    {
        _ = ImageReference.Parse(image);
        return this with { Image = image };
    }

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

    /// <summary>Applies core container options to the broker, after everything this builder sets.</summary>
    public KafkaBuilder WithContainer(Func<ContainerBuilder, ContainerBuilder> customize)
    {
        ArgumentNullException.ThrowIfNull(customize);
        var previous = Customize;
        return this with { Customize = c => customize(previous(c)) };
    }

    /// <summary>Creates the container object; nothing runs until <see cref="Container.StartAsync"/>.</summary>
    public KafkaContainer Build() => new(this);
}
