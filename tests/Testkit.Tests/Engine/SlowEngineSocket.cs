using System.Net.Sockets;

namespace Testkit.Tests.Engine;

/// <summary>A unix socket that accepts connections like a busy engine: it answers nothing for a while (or never), then
/// pipes each connection to the real engine's socket. The fault under test, not a stand-in for the engine.</summary>
internal sealed class SlowEngineSocket : IAsyncDisposable
{
    private const string EngineSocket = "/var/run/docker.sock";
    private readonly Socket listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource stopping = new();
    private readonly TimeSpan? answerAfter;
    private readonly Task acceptLoop;
    private int accepted;

    /// <param name="answerAfter">How long each connection stays silent before the engine answers it; null: forever.</param>
    public SlowEngineSocket(TimeSpan? answerAfter)
    {
        this.answerAfter = answerAfter;

        // Short: a unix socket's path is limited to about 100 bytes.
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"testkit-slow-{Guid.NewGuid():N}"[..24] + ".sock");
        listener.Bind(new UnixDomainSocketEndPoint(Path));
        listener.Listen();
        acceptLoop = Task.Run(AcceptAsync);
    }

    public string Path { get; }

    public string Host => "unix://" + Path;

    /// <summary>How many connections it accepted.</summary>
    public int Accepted => Volatile.Read(ref accepted);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Dispose();
        await acceptLoop;
        stopping.Dispose();
        File.Delete(Path);
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                break;
            }

            Interlocked.Increment(ref accepted);
            connections.Add(ServeAsync(client));
        }

        await Task.WhenAll(connections);
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        {
            try
            {
                // The injected fault: the engine is slow to answer (or hung), while the kernel has accepted the connection.
                await Task.Delay(answerAfter ?? Timeout.InfiniteTimeSpan, stopping.Token);
                using var engine = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await engine.ConnectAsync(new UnixDomainSocketEndPoint(EngineSocket), stopping.Token);
                await using var clientStream = new NetworkStream(client, ownsSocket: false);
                await using var engineStream = new NetworkStream(engine, ownsSocket: false);
                await Task.WhenAll(PipeAsync(clientStream, engine, engineStream), PipeAsync(engineStream, client, clientStream));
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // Stopped, or one side went away: the connection is over.
            }
        }
    }

    private async Task PipeAsync(Stream from, Socket toSocket, Stream to)
    {
        try
        {
            await from.CopyToAsync(to, stopping.Token);
            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // One side went away: the connection is over.
        }
    }
}
