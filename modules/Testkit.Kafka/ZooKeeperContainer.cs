using System.Net.Sockets;
using System.Text;
using Testkit.Containers;
using Testkit.Modules;
using Testkit.Waiting;

namespace Testkit.Kafka;

/// <summary>A single ZooKeeper server in a container, answering clients once <see cref="Container.StartAsync"/> returns.</summary>
/// <example><code>
/// await using var zookeeper = new ZooKeeperContainer();
/// await zookeeper.StartAsync();
/// var answer = await zookeeper.SendCommandAsync("ruok");   // "imok"
/// </code></example>
public sealed class ZooKeeperContainer : Container
{
    /// <summary>The image used unless another is set: Confluent's ZooKeeper, as in the classic cp-zookeeper + cp-kafka pair.</summary>
    public const string DefaultImage = "confluentinc/cp-zookeeper:7.6.1";

    /// <summary>The client port inside the container.</summary>
    public const int Port = 2181;

    /// <summary>The module: <c>zookeeper</c>, Confluent's ZooKeeper, client port 2181, data in <c>/var/lib/zookeeper</c>.</summary>
    public static readonly ModuleDescriptor Module = new("zookeeper", DefaultImage, Port) { DataPath = "/var/lib/zookeeper" };

    /// <summary>A ZooKeeper container with the defaults: <see cref="DefaultImage"/>, client port 2181, tick time 2 s, no fsync
    /// per transaction (<c>ZOOKEEPER_FORCE_SYNC=no</c>).</summary>
    public ZooKeeperContainer() : this(new ZooKeeperBuilder()) { }

    /// <summary>A ZooKeeper container as <paramref name="options"/> describes it.</summary>
    public ZooKeeperContainer(ZooKeeperBuilder options) : base(ToSettings(options)) { }

    /// <summary>The <c>host:port</c> ZooKeeper clients in the test process connect to.</summary>
    public string ConnectionString => $"{Host}:{GetMappedPort(Port)}";

    /// <summary>Sends a four-letter command (<c>ruok</c>, <c>srvr</c>, <c>mntr</c>…) to the client port and returns the answer.</summary>
    public async Task<string> SendCommandAsync(string command, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        using var client = new TcpClient();
        await client.ConnectAsync(Host, GetMappedPort(Port), cancellationToken).ConfigureAwait(false);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command), cancellationToken).ConfigureAwait(false);

        // ZooKeeper answers, then closes the connection.
        using var answer = new MemoryStream();
        await stream.CopyToAsync(answer, cancellationToken).ConfigureAwait(false);
        return Encoding.ASCII.GetString(answer.ToArray());
    }

    private static ContainerSettings ToSettings(ZooKeeperBuilder options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ToSettings(container => container
            .WithEnvironment("ZOOKEEPER_CLIENT_PORT", $"{Port}")
            .WithEnvironment("ZOOKEEPER_TICK_TIME", "2000")
            // A test's ZooKeeper need not survive a power cut: no fsync per transaction (a broker's start writes dozens).
            .WithEnvironment("ZOOKEEPER_FORCE_SYNC", "no")
            // ZooKeeper 3.5 and later answer only whitelisted four-letter commands; 3.4 ignores the property.
            .WithEnvironment("KAFKA_OPTS", "-Dzookeeper.4lw.commands.whitelist=ruok,srvr,stat,mntr,conf")
            // "binding to port" only says the socket is open, and `ruok` answers `imok` before the server serves
            // ("This ZooKeeper instance is not currently serving requests"): `srvr` reports a mode only once it does.
            .WithWaitStrategy(Wait.Until("ZooKeeper to serve on port 2181 ('srvr' reports its mode)", ServesAsync).Every(TimeSpan.FromMilliseconds(50))));
    }

    private static async ValueTask<bool> ServesAsync(IWaitTarget target, CancellationToken cancellationToken)
    {
        // The engine's port proxy accepts before ZooKeeper listens, so an answer is the only proof; bound each try.
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            return (await ((ZooKeeperContainer)target).SendCommandAsync("srvr", attempt.Token).ConfigureAwait(false)).Contains("Mode: ", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }
}
