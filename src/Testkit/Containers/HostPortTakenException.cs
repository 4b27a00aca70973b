namespace Testkit.Containers;

/// <summary>A host port the container publishes was taken by something else when the engine started it.</summary>
internal sealed class HostPortTakenException(string ports, string message, Exception innerException) : TestkitException(message, innerException)
{
    /// <summary>The fixed host ports the container asked for, as <c>ip:port</c>.</summary>
    public string Ports { get; } = ports;
}
