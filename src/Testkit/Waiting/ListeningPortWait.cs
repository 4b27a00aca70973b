using System.Net.Sockets;

namespace Testkit.Waiting;

/// <summary>Waits until a container port accepts TCP connections through its published host port and,
/// unless told otherwise, really listens inside the container.</summary>
/// <remarks>Docker's userland proxy (and rootless port drivers) accept connections on the host port as soon
/// as the container starts, whether or not anything listens inside, so a successful connect alone proves
/// nothing. The inside check reads <c>/proc/net/tcp</c> and <c>/proc/net/tcp6</c> with <c>cat</c>.</remarks>
public sealed record ListeningPortWait : IWaitStrategy
{
    // A connect to the engine's host answers or fails at once unless the engine is remote and drops packets.
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);

    internal static readonly string[] ProcNetCommand = ["cat", "/proc/net/tcp", "/proc/net/tcp6"];

    internal ListeningPortWait(int port) => Port = port;

    /// <summary>The container port awaited.</summary>
    public int Port { get; }

    /// <summary>True (the default) to also check inside the container that the port is in the LISTEN state.</summary>
    public bool CheckInside { get; init; } = true;

    /// <inheritdoc />
    public TimeSpan? Timeout { get; init; }

    /// <summary>Only connects from the host, for images without <c>cat</c>; the userland proxy may then report ready too early.</summary>
    public ListeningPortWait WithoutInsideCheck() => this with { CheckInside = false };

    /// <summary>Gives this wait its own deadline.</summary>
    public ListeningPortWait WithTimeout(TimeSpan timeout) => this with { Timeout = Wait.CheckTimeout(timeout) };

    /// <inheritdoc />
    public ValueTask WaitAsync(IWaitTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);

        // Resolved before polling so that an unpublished port fails at once with its fix.
        var hostPort = target.GetMappedPort(Port);
        return Polling.UntilAsync(
            static (s, ct) => s.wait.IsReadyAsync(s.target, s.hostPort, ct), (wait: this, target, hostPort), cancellationToken,
            attemptTimeout: AttemptTimeout);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"port {Port} to listen" + (CheckInside ? "" : " (checked from the host only)");

    private async ValueTask<bool> IsReadyAsync(IWaitTarget target, int hostPort, CancellationToken cancellationToken)
    {
        using (var client = new TcpClient())
        {
            try
            {
                await client.ConnectAsync(target.Host, hostPort, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                return false;
            }
        }

        return !CheckInside || await ListensInsideAsync(target, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<bool> ListensInsideAsync(IWaitTarget target, CancellationToken cancellationToken)
    {
        var result = await target.ExecAsync(ProcNetCommand, cancellationToken).ConfigureAwait(false);

        // cat exits 1 when IPv6 is off and /proc/net/tcp6 is missing; what it printed of tcp still counts.
        if (!result.Stdout.Contains("local_address", StringComparison.Ordinal))
        {
            throw new TestkitException(
                $"Cannot tell whether port {Port} listens inside container {Wait.ShortId(target)}: "
                + $"`{string.Join(' ', ProcNetCommand)}` exited with {result.ExitCode} ({Wait.FirstLine(result)}). "
                + $"For an image without cat, use Wait.ForListeningPort({Port}).WithoutInsideCheck() or another wait strategy.");
        }

        return ProcNetTcp.IsListening(result.Stdout, Port);
    }
}
