using Testkit.Modules;

namespace Testkit.Kafka;

/// <summary>Describes a ZooKeeper container. Immutable: every <c>WithX</c> returns a new builder.</summary>
public sealed record ZooKeeperBuilder() : ModuleBuilder<ZooKeeperBuilder, ZooKeeperContainer>(ZooKeeperContainer.Module)
{
    /// <inheritdoc />
    public override ZooKeeperContainer Build() => new(this);
}
