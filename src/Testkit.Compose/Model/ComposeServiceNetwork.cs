namespace Testkit.Compose;

/// <summary>How a service joins one network.</summary>
/// <param name="Aliases">Extra names for the service on that network.</param>
/// <param name="Ipv4Address">A fixed IPv4 address, if any.</param>
public sealed record ComposeServiceNetwork(IReadOnlyList<string> Aliases, string? Ipv4Address);
