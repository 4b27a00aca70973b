using System.Net.Sockets;

namespace Testkit.Engine;

/// <summary>The first step of a connection: does anything accept a connection at an endpoint? The kernel accepts on
/// behalf of a listening engine however busy it is, so an endpoint that accepts has an engine behind it, and one that
/// does not has none, whatever the load.</summary>
internal static class EngineReachability
{
    /// <summary>How long a TCP connect may take: a remote host that drops packets answers nothing at all.</summary>
    internal static readonly TimeSpan AcceptTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Null when something accepts a connection at <paramref name="endpoint"/>, else why nothing does, with the fix
    /// when there is one. Named pipes are not checked here (null): the engine's client reports a missing pipe itself.</summary>
    public static async Task<string?> WhyNothingAcceptsAsync(EngineEndpoint endpoint, CancellationToken cancellationToken)
    {
        var uri = endpoint.Uri;
        if (uri.Scheme == "unix" && !File.Exists(uri.LocalPath))
        {
            return "no such socket";
        }

        if (uri.Scheme is not ("unix" or "tcp" or "http" or "https") || (uri.Scheme != "unix" && uri.Port <= 0))
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AcceptTimeout);
        try
        {
            if (uri.Scheme == "unix")
            {
                using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(uri.LocalPath), timeout.Token).ConfigureAwait(false);
            }
            else
            {
                using var client = new TcpClient();
                await client.ConnectAsync(uri.Host, uri.Port, timeout.Token).ConfigureAwait(false);
            }

            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return uri.Scheme == "unix"
                ? $"a connect did not complete within {AcceptTimeout.TotalSeconds:0} s: the engine has stopped accepting (hung); restart it"
                : $"nothing accepts connections: no answer to a connect within {AcceptTimeout.TotalSeconds:0} s "
                  + "(a firewall dropping packets, or a host that is down)";
        }
        catch (SocketException e)
        {
            return Describe(e.SocketErrorCode, uri) ?? $"nothing accepts connections: {e.Message}";
        }
    }

    private static string? Describe(SocketError error, Uri uri) => error switch
    {
        SocketError.ConnectionRefused when uri.Scheme == "unix" =>
            $"connection refused: nothing accepts connections on {uri.LocalPath} (a socket file left by an engine that stopped; start the engine)",
        SocketError.ConnectionRefused => $"connection refused: nothing accepts connections on {uri.Host}:{uri.Port}",
        SocketError.AccessDenied => $"permission denied on {uri.LocalPath}: add your user to the socket's group "
            + "('sudo usermod -aG docker $USER', then log in again) or run as a user that may open it",
        SocketError.AddressNotAvailable when uri.Scheme == "unix" => "no such socket",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => $"nothing accepts connections: host {uri.Host} is unreachable",
        SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => $"nothing accepts connections: unknown host {uri.Host}",
        _ => null,
    };
}
