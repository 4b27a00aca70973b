namespace Testkit.Containers;

/// <summary>A container port published on the host.</summary>
/// <param name="ContainerPort">The port inside the container.</param>
/// <param name="HostPort">The host port, or 0 for a random free one chosen by the engine.</param>
/// <param name="HostIp">The host address to bind: 127.0.0.1 unless asked, so nothing is exposed to the network. An IPv4 or
/// IPv6 literal, checked at <c>Build()</c>: the engine publishes on every address when it cannot parse one (a host name).</param>
/// <param name="Protocol">tcp, udp or sctp (lower case).</param>
public sealed record PortBinding(int ContainerPort, int HostPort = 0, string HostIp = PortBinding.Loopback, string Protocol = "tcp")
{
    /// <summary>The default host address: loopback only.</summary>
    public const string Loopback = "127.0.0.1";

    /// <summary>Every host address; only when a test needs the port reachable from other machines.</summary>
    public const string AnyAddress = "0.0.0.0";

    internal string Key => $"{ContainerPort}/{Protocol}";
}
