using StackExchange.Redis;

namespace Testkit.Benchmarks.Clients;

/// <summary>The first PING every Redis row ends with, the same for every tool: a new StackExchange.Redis multiplexer and PING.</summary>
internal static class RedisProbe
{
    public static async Task PingAsync(string host, int port, CancellationToken cancellationToken)
    {
        // Fail fast when nothing answers yet (the floor polls), instead of the multiplexer's own background retries.
        var configuration = new ConfigurationOptions { AbortOnConnectFail = true, ConnectRetry = 0, ConnectTimeout = 2000 };
        configuration.EndPoints.Add(host, port);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(cancellationToken);
        _ = await connection.GetDatabase().PingAsync().WaitAsync(cancellationToken);
    }

    /// <summary>Polls every <paramref name="interval"/> until PING answers.</summary>
    public static Task PollPingAsync(string host, int port, TimeSpan interval, CancellationToken cancellationToken) =>
        FixedPolling.UntilAsync(ct => PingAsync(host, port, ct), e => e is RedisException or IOException or TimeoutException, interval, cancellationToken);
}
