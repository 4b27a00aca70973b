namespace Testkit.Compose;

/// <summary>One published port.</summary>
/// <param name="Target">The container port.</param>
/// <param name="Published">The host port or range ("8080", "9090-9091"); null lets the engine choose.</param>
/// <param name="HostIp">The host address to bind; null means all.</param>
/// <param name="Protocol">tcp or udp.</param>
public sealed record ComposePort(int Target, string? Published, string? HostIp, string Protocol);
