using System.Collections.Immutable;

namespace Testkit.Containers;

/// <summary>A network a container joins, with the names other containers reach it by there.</summary>
/// <param name="Network">The network's name.</param>
/// <param name="Aliases">Extra DNS names of the container on that network.</param>
public sealed record NetworkAttachment(string Network, ImmutableArray<string> Aliases)
{
    /// <summary>The network Testkit creates on first use, when the attachment names one of its own.</summary>
    public Networks.Network? OwnedNetwork { get; init; }
}
