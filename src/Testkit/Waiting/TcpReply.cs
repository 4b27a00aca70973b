using System.Net.Sockets;
using System.Text;

namespace Testkit.Waiting;

/// <summary>One request/reply exchange over a plain TCP connection to a published port: what a text protocol's readiness
/// check needs (Redis' PING, memcached's version, NATS' PING), cheaper than a client library or an exec per check.</summary>
internal static class TcpReply
{
    private const int MaxReply = 4096;

    // A server that answers something else (an error) keeps the connection open: the check gives up on it, the next one asks again.
    private static readonly TimeSpan ReplyLimit = TimeSpan.FromSeconds(1);

    /// <summary>True once the reply to <paramref name="request"/> contains <paramref name="expected"/>; false when the
    /// connection is refused, reset or closed before that (the server is not up yet).</summary>
    public static async ValueTask<bool> ContainsAsync(IWaitTarget target, int containerPort, string request, string expected, CancellationToken cancellationToken)
    {
        using var replyLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        replyLimit.CancelAfter(ReplyLimit);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(target.Host, target.GetMappedPort(containerPort), cancellationToken).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request), cancellationToken).ConfigureAwait(false);
            var reply = new StringBuilder();
            var buffer = new byte[256];
            while (reply.Length < MaxReply)
            {
                var read = await stream.ReadAsync(buffer, replyLimit.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return false;
                }

                reply.Append(Encoding.UTF8.GetString(buffer, 0, read));
                if (reply.ToString().Contains(expected, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
        catch (Exception e) when (e is SocketException or IOException
                                  || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }
}
