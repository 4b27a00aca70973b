namespace Testkit.Containers;

/// <summary>A container port published on the host: made from the container port alone, the rest named, so that the two
/// ports cannot be swapped by argument order (<c>new PortBinding(5432).OnHostPort(15432)</c>).</summary>
/// <param name="ContainerPort">The port inside the container.</param>
public sealed record PortBinding(int ContainerPort)
{
    /// <summary>The default host address: loopback only.</summary>
    public const string Loopback = "127.0.0.1";

    /// <summary>Every host address; only when a test needs the port reachable from other machines.</summary>
    public const string AnyAddress = "0.0.0.0";

    /// <summary>The host port, or 0 (the default) for a random free one chosen by the engine.</summary>
    public int HostPort { get; init; }

    /// <summary>The host address to bind: 127.0.0.1 unless asked, so nothing is exposed to the network. An IPv4 or IPv6
    /// literal, checked at <c>Build()</c>: the engine publishes on every address when it cannot parse one (a host name).</summary>
    public string HostIp { get; init; } = Loopback;

    /// <summary>tcp (the default), udp or sctp, lower case.</summary>
    public string Protocol { get; init; } = "tcp";

    /// <summary>Publishes on a fixed host port instead of a random one (0: random again).</summary>
    public PortBinding OnHostPort(int hostPort) => this with { HostPort = hostPort };

    /// <summary>Binds another host address, e.g. <see cref="AnyAddress"/> or an IPv6 literal.</summary>
    public PortBinding OnHostIp(string hostIp) => this with { HostIp = hostIp };

    /// <summary>Publishes a udp or sctp port instead of tcp.</summary>
    public PortBinding WithProtocol(string protocol) => this with { Protocol = protocol };

    internal string Key => $"{ContainerPort}/{Protocol}";
}
