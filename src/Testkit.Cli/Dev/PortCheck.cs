using System.Net;
using System.Net.Sockets;

namespace Testkit.Cli.Dev;

/// <summary>Checks a host port before anything is created, so that a taken port costs no half-made service.</summary>
internal static class PortCheck
{
    /// <summary>True when nothing listens on 127.0.0.1:<paramref name="port"/> (nor on every address, which includes it).</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

            // Connections that just closed leave TIME_WAIT entries on the port (e.g. right after 'down'): those must not
            // count as taken. With SO_REUSEADDR, Linux still refuses a port that something listens on.
            probe.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            probe.Listen(1);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
