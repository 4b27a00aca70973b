using System.Net.Sockets;
using System.Text;
using Testkit.Containers;
using Testkit.Tests.Containers;
using Testkit.Tests.Shared;
using Testkit.Waiting;

namespace Testkit.Tests.Waiting;

public class ListeningPortWaitTests
{
    // Answers "pong" to one line per connection; perl-base's IO::Socket::INET is all the image needs.
    private const string PongServer =
        "my $s = IO::Socket::INET->new(LocalAddr => $ARGV[0], LocalPort => 7000, Listen => 5, ReuseAddr => 1) or die qq(listen: $!);"
        + "while (my $c = $s->accept) { my $l = <$c>; print $c qq(pong\\n); close $c; }";

    private static ContainerBuilder Debian(string script) =>
        new ContainerBuilder("debian:bookworm").WithPortBinding(7000).ReplaceCommand("sh", "-c", script, "sh", PongServer);

    [Fact]
    public async Task It_returns_only_once_the_server_really_listens_inside()
    {
        // The userland proxy accepts on the host port from the start; the server listens a second later.
        await using var container = Debian("sleep 1; exec perl -MIO::Socket::INET -e \"$1\" 0.0.0.0")
            .WithWaitStrategy(Wait.ForListeningPort(7000))
            .Build();

        await container.StartAsync();

        Assert.Equal("pong", await ExchangeAsync(container.Host, container.GetMappedPort(7000)));
    }

    [Fact]
    public async Task It_works_for_a_real_service()
    {
        await using var redis = new ContainerBuilder("redis:7")
            .WithPortBinding(6379)
            .WithWaitStrategy(Wait.ForListeningPort(6379))
            .Build();

        await redis.StartAsync();

        using var client = new TcpClient();
        await client.ConnectAsync(redis.Host, redis.GetMappedPort(6379));
        await client.GetStream().WriteAsync("PING\r\n"u8.ToArray());
        var buffer = new byte[16];
        var read = await client.GetStream().ReadAsync(buffer);
        Assert.Equal("+PONG", Encoding.ASCII.GetString(buffer, 0, read).TrimEnd());
    }

    [Fact]
    public async Task With_nothing_listening_it_times_out_naming_the_port()
    {
        var container = Debian("sleep infinity")
            .WithWaitStrategy(Wait.ForListeningPort(7000).WithTimeout(TimeSpan.FromSeconds(1.5)))
            .Build();

        var error = await Assert.ThrowsAsync<WaitTimeoutException>(() => container.StartAsync());

        Assert.Contains("port 7000 to listen", error.Message, StringComparison.Ordinal);
        Assert.False(await EngineProbe.ContainerExistsAsync(container.Id));
    }

    [Fact]
    public async Task A_server_bound_to_loopback_inside_is_not_ready()
    {
        var container = Debian("exec perl -MIO::Socket::INET -e \"$1\" 127.0.0.1")
            .WithWaitStrategy(Wait.ForListeningPort(7000).WithTimeout(TimeSpan.FromSeconds(1.5)))
            .Build();

        var error = await Assert.ThrowsAsync<WaitTimeoutException>(() => container.StartAsync());

        Assert.Contains("port 7000 to listen", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_inside_check_the_userland_proxy_makes_it_return_too_early()
    {
        // Why the inside check exists: Docker's default userland proxy accepts on the host port although
        // nothing listens in the container, then closes the connection. (An engine without the proxy
        // would refuse instead, and this wait would time out.)
        await using var container = Debian("sleep infinity")
            .WithWaitStrategy(Wait.ForListeningPort(7000).WithoutInsideCheck().WithTimeout(TimeSpan.FromSeconds(10)))
            .Build();

        await container.StartAsync();

        Assert.Equal("", await ExchangeAsync(container.Host, container.GetMappedPort(7000)));
    }

    private static async Task<string> ExchangeAsync(string host, int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(host, port);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync("ping\n"u8.ToArray());
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).TrimEnd();
        }
        catch (IOException)
        {
            // Reset by the proxy: nothing answered.
            return "";
        }
    }
}
