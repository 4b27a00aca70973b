using Testkit.Containers;
using Testkit.Networks;
using Testkit.Tests.Support;
using Testkit.Waiting;

namespace Testkit.Tests.Networks;

public class NetworkReachabilityTests
{
    private static readonly ContainerBuilder Redis = new ContainerBuilder("redis:7")
        .WithWaitStrategy(Wait.ForLogMessage("Ready to accept connections"));

    // Minbase Debian has neither nc nor curl; bash's /dev/tcp speaks RESP well enough for a PING.
    private static readonly ContainerBuilder Client = new ContainerBuilder("debian:bookworm").ReplaceCommand("sleep", "infinity");

    [Fact]
    public async Task A_container_reaches_another_by_its_alias_on_a_user_defined_network()
    {
        await using var network = new NetworkBuilder().Build();
        await using var redis = Redis.WithNetwork(network, "cache").Build();
        await using var client = Client.WithNetwork(network).Build();

        // Started together: both create the network, which must happen once.
        await Task.WhenAll(redis.StartAsync(), client.StartAsync());

        Assert.Equal("+PONG", await Eventually.ReturnsAsync(ct => PingAsync(client, "cache", ct), "+PONG"));
        Assert.Equal(1, await NetworkProbe.CountNamedAsync(network.Name));
    }

    [Fact]
    public async Task Connecting_and_disconnecting_at_run_time_changes_who_is_reachable()
    {
        await using var network = new NetworkBuilder().Build();
        await using var redis = Redis.Build();
        await using var client = Client.Build();
        await Task.WhenAll(redis.StartAsync(), client.StartAsync());
        Assert.Equal("", await PingAsync(client, "cache", CancellationToken.None));

        await network.ConnectAsync(redis, "cache");
        await network.ConnectAsync(client);
        Assert.Equal("+PONG", await Eventually.ReturnsAsync(ct => PingAsync(client, "cache", ct), "+PONG"));

        await network.DisconnectAsync(client);
        Assert.Equal("", await Eventually.ReturnsAsync(ct => PingAsync(client, "cache", ct), ""));

        await network.ConnectAsync(client);
        await network.DisconnectAsync(redis);
        Assert.Equal("", await Eventually.ReturnsAsync(ct => PingAsync(client, "cache", ct), ""));
    }

    /// <summary>The first reply line of a PING sent from <paramref name="from"/> to <paramref name="host"/>:6379,
    /// or "" when the name does not resolve or nothing answers within 5 s.</summary>
    private static async Task<string> PingAsync(Container from, string host, CancellationToken cancellationToken)
    {
        var result = await from.ExecAsync(
            ["timeout", "5", "bash", "-c", $"exec 3<>/dev/tcp/{host}/6379; printf \"PING\\r\\n\" >&3; head -c 7 <&3"], cancellationToken);
        return result.Stdout.TrimEnd();
    }
}
