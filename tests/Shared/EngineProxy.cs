using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Testkit.Tests.Shared;

/// <summary>A unix socket in front of the real engine's that records every request line passing through (to count engine
/// calls) and can hold requests whose line matches a pattern (a create that hangs). The fault or the meter under test,
/// not a stand-in: every byte goes to the real engine.</summary>
internal sealed partial class EngineProxy : IAsyncDisposable
{
    private const string EngineSocket = "/var/run/docker.sock";
    private readonly Socket listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentQueue<string> requests = new();
    private readonly Regex? hold;
    private readonly TimeSpan holdFor;
    private readonly Task acceptLoop;

    /// <param name="hold">Requests whose line ("POST /containers/create", without the API version) matches are held.</param>
    /// <param name="holdFor">How long a held request waits before it goes on to the engine; null: until the proxy is disposed.</param>
    public EngineProxy(Regex? hold = null, TimeSpan? holdFor = null)
    {
        this.hold = hold;
        this.holdFor = holdFor ?? Timeout.InfiniteTimeSpan;

        // Short: a unix socket's path is limited to about 100 bytes.
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"testkit-proxy-{Guid.NewGuid():N}"[..25] + ".sock");
        listener.Bind(new UnixDomainSocketEndPoint(Path));
        listener.Listen();
        acceptLoop = Task.Run(AcceptAsync);
    }

    public string Path { get; }

    public string Host => "unix://" + Path;

    /// <summary>Every request line seen, in order, with the API version prefix removed: "GET /images/x/json".</summary>
    public IReadOnlyList<string> Requests => [.. requests];

    /// <summary>How many requests matched <paramref name="pattern"/>.</summary>
    public int Count(string pattern) => Requests.Count(r => Regex.IsMatch(r, pattern));

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
                using var engine = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await engine.ConnectAsync(new UnixDomainSocketEndPoint(EngineSocket), stopping.Token);
                await using var clientStream = new NetworkStream(client, ownsSocket: false);
                await using var engineStream = new NetworkStream(engine, ownsSocket: false);
                await Task.WhenAny(ForwardRequestsAsync(clientStream, engineStream), PipeAsync(engineStream, clientStream));
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // The client, the engine or the test ended the connection.
            }
        }
    }

    /// <summary>Client to engine, reading request lines as they pass; bodies (JSON, small tars) hold no such line.</summary>
    private async Task ForwardRequestsAsync(Stream from, Stream to)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, stopping.Token)) > 0)
        {
            var held = false;
            foreach (Match line in RequestLine().Matches(Encoding.Latin1.GetString(buffer, 0, read)))
            {
                var request = $"{line.Groups["method"].Value} {line.Groups["path"].Value}";
                requests.Enqueue(request);
                held |= hold?.IsMatch(request) == true;
            }

            if (held)
            {
                await Task.Delay(holdFor, stopping.Token);
            }

            await to.WriteAsync(buffer.AsMemory(0, read), stopping.Token);
        }
    }

    private async Task PipeAsync(Stream from, Stream to)
    {
        await from.CopyToAsync(to, stopping.Token);
    }

    [GeneratedRegex(@"(?<method>GET|POST|PUT|DELETE|HEAD) (?:/v[0-9.]+)?(?<path>/[^ ?\r\n]*)[^ \r\n]* HTTP/1\.[01]\r\n")]
    private static partial Regex RequestLine();
}
