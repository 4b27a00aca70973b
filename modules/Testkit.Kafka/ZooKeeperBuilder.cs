using Testkit.Containers;
using Testkit.Images;

namespace Testkit.Kafka;

/// <summary>Describes a ZooKeeper container. Immutable: every <c>WithX</c> returns a new builder.</summary>
public sealed record ZooKeeperBuilder
{
    /// <summary>The image, <see cref="ZooKeeperContainer.DefaultImage"/> unless set.</summary>
    public string Image { get; init; } = ZooKeeperContainer.DefaultImage;

    /// <summary>Core container options applied last (network, labels, waits, logger…).</summary>
    public Func<ContainerBuilder, ContainerBuilder> Customize { get; init; } = static c => c;

    /// <summary>Runs another image, e.g. another <c>confluentinc/cp-zookeeper</c> tag or a private mirror.</summary>
    /// <exception cref="ArgumentException">The name is not an image reference.</exception>
    public ZooKeeperBuilder WithImage(string image)
    {
        _ = ImageReference.Parse(image);
        return this with { Image = image };
    }

    /// <summary>Applies core container options, after everything this builder sets.</summary>
    public ZooKeeperBuilder WithContainer(Func<ContainerBuilder, ContainerBuilder> customize)
    {
        ArgumentNullException.ThrowIfNull(customize);
        var previous = Customize;
        return this with { Customize = c => customize(previous(c)) };
    }

    /// <summary>Creates the container object; nothing runs until <see cref="Container.StartAsync"/>.</summary>
    public ZooKeeperContainer Build() => new(this);
}
