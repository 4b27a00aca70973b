using Testkit.Containers;

namespace Testkit.Kafka;

/// <summary>Describes a Kafka broker with its own ZooKeeper. Immutable: every <c>WithX</c> returns a new builder.</summary>
public sealed record KafkaBuilder
{
    /// <summary>The broker's image, <see cref="KafkaContainer.DefaultImage"/> unless set.</summary>
    public string Image { get; init; } = KafkaContainer.DefaultImage;

    /// <summary>The broker's version when set by hand; null to read it from the broker's log at start.</summary>
    public string? BrokerVersion { get; init; }

    /// <summary>How the broker's ZooKeeper is described.</summary>
    public ZooKeeperBuilder ZooKeeper { get; init; } = new();

    /// <summary>Core container options for the broker, applied last (labels, waits, logger…).</summary>
    public Func<ContainerBuilder, ContainerBuilder> Customize { get; init; } = static c => c;

    /// <summary>Runs another broker image, e.g. another <c>confluentinc/cp-kafka</c> tag or a private mirror.</summary>
    public KafkaBuilder WithImage(string image)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
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

    /// <summary>Changes how the broker's ZooKeeper is described (image, core options).</summary>
    public KafkaBuilder WithZooKeeper(Func<ZooKeeperBuilder, ZooKeeperBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return this with { ZooKeeper = configure(ZooKeeper) };
    }

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
