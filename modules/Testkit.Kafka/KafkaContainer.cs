using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using Testkit.Containers;
using Testkit.Modules;
using Testkit.Networks;
using Testkit.Waiting;

namespace Testkit.Kafka;

/// <summary>A Kafka broker with its ZooKeeper, ready for clients on the host once <see cref="Container.StartAsync"/> returns.
/// ZooKeeper runs inside the broker's container (as Testcontainers runs it): one container, no network to create.
/// <see cref="KafkaBuilder.WithZooKeeper"/> runs it in a container of its own instead, like the classic cp-zookeeper +
/// cp-kafka pair, both on a private network. Disposing the broker removes everything it made.</summary>
/// <example><code>
/// await using var kafka = new KafkaContainer();
/// await kafka.StartAsync();
/// using var producer = new ProducerBuilder&lt;string, string&gt;(kafka.ProducerConfig()).Build();
/// </code></example>
public sealed class KafkaContainer : Container
{
    /// <summary>The broker image used unless another is set: Confluent's Kafka.</summary>
    public const string DefaultImage = "confluentinc/cp-kafka:7.6.1";

    /// <summary>The listener for clients on the host, published on a free port of the host.</summary>
    public const int Port = 9092;

    /// <summary>The module: <c>kafka</c>, Confluent's broker, port 9092, data in <c>/var/lib/kafka/data</c>.</summary>
    public static readonly ModuleDescriptor Module = new("kafka", DefaultImage, Port) { DataPath = "/var/lib/kafka/data" };

    // The listener for the controller and for containers on a network, and the names there.
    private const int NetworkPort = 9093;
    private const string NetworkAlias = "kafka";
    private const string ZooKeeperAlias = "zookeeper";
    private const string AdvertisedListeners = "KAFKA_ADVERTISED_LISTENERS";

    // What Testcontainers does too: cp-kafka images up to 7.x carry zookeeper-server-start. No fsync per transaction
    // (a broker's start writes dozens); srvr whitelisted for ZooKeeper 3.5 and later (3.4 ignores the key).
    private const string StartWithZooKeeperInside = """
        printf '%s\n' clientPort=2181 dataDir=/var/lib/zookeeper/data dataLogDir=/var/lib/zookeeper/log forceSync=no \
          4lw.commands.whitelist=ruok,srvr,stat,mntr,conf > /tmp/zookeeper.properties
        zookeeper-server-start /tmp/zookeeper.properties &
        exec /etc/confluent/docker/run
        """;

    private Task? zookeeperStart;
    private bool versionKnown;
    private int portChoices;

    /// <summary>A broker with the defaults: <see cref="DefaultImage"/>, ZooKeeper inside its container.</summary>
    public KafkaContainer() : this(new KafkaBuilder()) { }

    /// <summary>A broker as <paramref name="options"/> describes it.</summary>
    public KafkaContainer(KafkaBuilder options)
        : this(options ?? throw new ArgumentNullException(nameof(options)), options.ZooKeeper is null ? null : new NetworkBuilder().Build()) { }

    private KafkaContainer(KafkaBuilder options, Network? network) : base(ToSettings(options, network))
    {
        Network = network;
        ZooKeeper = network is null ? null : options.ZooKeeper!.WithContainer(c => c.WithNetwork(network, ZooKeeperAlias)).Build();
        (BrokerVersion, versionKnown) = (options.BrokerVersion, options.BrokerVersion is not null);
    }

    /// <summary>The private network of the broker and its ZooKeeper container; other containers may join it. Null when
    /// ZooKeeper runs inside the broker's container (the default), which then needs no network.</summary>
    public Network? Network { get; }

    /// <summary>The broker's ZooKeeper container, started with it; null when ZooKeeper runs inside the broker's container
    /// (the default, reached there at <c>localhost:2181</c>).</summary>
    public ZooKeeperContainer? ZooKeeper { get; }

    /// <summary>The Kafka version the broker runs, as set on the builder or read from its log at start; null if unknown.</summary>
    public string? BrokerVersion { get; private set; }

    /// <summary>The <c>host:port</c> clients in the test process connect to.</summary>
    public string BootstrapServers => $"{Host}:{GetMappedPort(Port)}";

    /// <summary>The address for clients in containers on the broker's network: <c>kafka:9093</c>, from Kafka 0.10.2 on.</summary>
    /// <exception cref="InvalidOperationException">The broker is older (its single listener advertises the host's address),
    /// or it joined no network under the name <c>kafka</c>.</exception>
    public string NetworkBootstrapServers => IsOlderThan(0, 10, 2)
        ? throw new InvalidOperationException($"Kafka {BrokerVersion} has a single listener, which advertises {BootstrapServers} for the host, so "
            + "containers on a network cannot use it. Start the client container in the broker's network namespace "
            + "(WithNetwork(\"container:\" + kafka.Id)) and give it BootstrapServers, or run Kafka 0.10.2 or later.")
        : Settings.Networks.Any(n => n.Aliases.Contains(NetworkAlias))
            ? $"{NetworkAlias}:{NetworkPort}"
            : throw new InvalidOperationException("The broker joined no network under the name 'kafka', so containers cannot reach it by "
                + "name: add it to yours with WithContainer(c => c.WithNetwork(network, \"kafka\")), run ZooKeeper in a container of its "
                + "own with WithZooKeeper(), which puts both on a network, or start the client container in the broker's network "
                + "namespace (WithNetwork(\"container:\" + kafka.Id)) and give it BootstrapServers.");

    /// <summary>Producer settings for this broker: the bootstrap servers, what its version needs, and metadata retried every
    /// 10–100 ms while a topic that the first message created gets its leader.</summary>
    public ProducerConfig ProducerConfig() => ForThisBroker(new ProducerConfig
    {
        // librdkafka waits 100 ms, then 200, 400… (retry.backoff.ms): a topic made by the first produce on a local broker
        // has its leader within about 150 ms, and the produce would wait until the next retry.
        RetryBackoffMs = 10,
        RetryBackoffMaxMs = 100,
    });

    /// <summary>Consumer settings for this broker in group <paramref name="groupId"/>, reading from the earliest offset and
    /// refreshing topic metadata every 500 ms.</summary>
    public ConsumerConfig ConsumerConfig(string groupId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        return ForThisBroker(new ConsumerConfig
        {
            GroupId = groupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,

            // Kafka 0.9 caps session timeouts at 30 s unless told otherwise, below librdkafka's 45 s.
            SessionTimeoutMs = IsOlderThan(0, 10) ? 10_000 : null,

            // A group's join waits for its topics' metadata. When that answer goes missing (librdkafka with Kafka 0.9: "postponing
            // join until up-to-date metadata is available", in about one start in eight) or the topic was still being created,
            // the next periodic refresh unblocks it: librdkafka's default period is 5 minutes, longer than any test waits.
            TopicMetadataRefreshIntervalMs = 500,
        });
    }

    /// <summary>Admin client settings for this broker.</summary>
    public AdminClientConfig AdminConfig() => ForThisBroker(new AdminClientConfig());

    /// <summary>Creates a topic with one replica per partition and returns once every partition has a leader.</summary>
    /// <exception cref="TestkitException">The broker refused the topic (e.g. it exists), or its partitions got no leader in time.</exception>
    public async Task CreateTopicAsync(string name, int partitions = 1, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitions);

        // The CreateTopics request came with 0.10.1 (older brokers time out "waiting for controller"): they take topics through ZooKeeper.
        await (IsOlderThan(0, 10, 1)
            ? KafkaAdmin.CreateTopicThroughZooKeeperAsync(this, Settings.Environment["KAFKA_ZOOKEEPER_CONNECT"], name, partitions, cancellationToken)
            : KafkaAdmin.CreateTopicAsync(AdminConfig(), name, partitions)).ConfigureAwait(false);
        await KafkaAdmin.WaitForLeadersAsync(AdminConfig(), name, partitions, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override int HostPortRetries => 3;

    /// <inheritdoc />
    protected override Task OnStartingAsync(CancellationToken cancellationToken)
    {
        // Not awaited: ZooKeeper's container starts while the broker's is created; OnStartedAsync joins it.
        zookeeperStart = ZooKeeper?.StartAsync(cancellationToken);
        return Task.CompletedTask;
    }

    /// <summary>Chooses the host port before the container exists, so that the broker advertises it from its very start
    /// (Kafka gives clients the advertised address, which must be the host's and the published port).</summary>
    protected override async Task<PreparedStart> PrepareStartAsync(PreparedStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var settings = start.Settings;
        if (settings.Environment.ContainsKey(AdvertisedListeners))
        {
            return start;
        }

        var binding = settings.Ports.FirstOrDefault(p => p.ContainerPort == Port)
            ?? throw new TestkitException($"The broker's port {Port} is not published, so clients on the host cannot reach it: keep WithPortBinding({Port}).");
        var attempt = portChoices++;
        var published = binding.HostPort != 0 ? binding
            : binding with { HostPort = settings.Reuse ? ReusablePort(settings, attempt) : FreePort(binding.HostIp) };
        var host = (await Testkit.Engine.DockerEngine.GetSharedAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Host;
        return start with
        {
            Settings = settings with
            {
                Ports = settings.Ports.Replace(binding, published),
                Environment = settings.Environment.SetItem(AdvertisedListeners, $"PLAINTEXT://{host}:{published.HostPort},BROKER://{NetworkAlias}:{NetworkPort}"),
            },
        };
    }

    /// <inheritdoc />
    protected override async Task OnStartedAsync(CancellationToken cancellationToken)
    {
        if (zookeeperStart is not null)
        {
            await zookeeperStart.ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override async ValueTask OnStartFailedAsync()
    {
        if (zookeeperStart is not null)
        {
            await zookeeperStart.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await DisposeCompanionsAsync(Task.CompletedTask).ConfigureAwait(false);
    }

    /// <summary>Removes the broker and its ZooKeeper container, then their network.</summary>
    protected override async ValueTask DisposeAsyncCore() =>
        await DisposeCompanionsAsync(base.DisposeAsyncCore().AsTask()).ConfigureAwait(false);

    // ZooKeeper's container is removed while the broker's removal (alongside) runs; the network once both have left it.
    private async ValueTask DisposeCompanionsAsync(Task alongside)
    {
        try
        {
            await Task.WhenAll(alongside, ZooKeeper?.DisposeAsync().AsTask() ?? Task.CompletedTask).ConfigureAwait(false);
        }
        finally
        {
            if (Network is not null)
            {
                await Network.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    // A reused broker is found again by its settings, the advertised address included: the same settings must choose the
    // same port in the next test run. Taken by something else, the next attempt chooses another (and so another broker).
    private static int ReusablePort(ContainerSettings settings, int attempt)
    {
        var described = string.Join('\n', new[] { settings.Image, string.Join(' ', settings.Command), $"{attempt}" }
            .Concat(settings.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}")));
        var hash = BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(described)));

        // Below the ephemeral ports (32768 and up on Linux), from which the engine and the system choose.
        return 20_000 + (int)(hash % 10_000);
    }

    // The port is free now; if something takes it before the start, the start is tried again with another (HostPortRetries).
    private static int FreePort(string hostIp)
    {
        using var listener = new TcpListener(IPAddress.TryParse(hostIp, out var address) ? address : IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // A module: TESTKIT_DEV_SERVICES=kafka=NAME points it at a dev service started with 'testkit up kafka'.
    private static ContainerSettings ToSettings(KafkaBuilder options, Network? network) => options.ToSettings(container => ModuleDefaults(container, network));

    private static ContainerBuilder ModuleDefaults(ContainerBuilder container, Network? network)
    {
        container = network is null
            // The controller connects to its own advertised BROKER address: the host name makes 'kafka' resolve inside.
            ? container.WithHostname(NetworkAlias).WithEntrypoint("/bin/sh", "-c").ReplaceCommand(StartWithZooKeeperInside)
                .WithEnvironment("KAFKA_ZOOKEEPER_CONNECT", $"localhost:{ZooKeeperContainer.Port}")
            : container.WithNetwork(network, NetworkAlias).WithEnvironment("KAFKA_ZOOKEEPER_CONNECT", $"{ZooKeeperAlias}:{ZooKeeperContainer.Port}");
        container = container
            .WithEnvironment("KAFKA_BROKER_ID", "1")
            // One listener for the host, one for the controller (which connects to its own advertised address) and the
            // network. Kafka 0.9 has a single listener: the offline image keeps the host's and forwards 9093 to it.
            .WithEnvironment("KAFKA_LISTENERS", $"PLAINTEXT://0.0.0.0:{Port},BROKER://0.0.0.0:{NetworkPort}")
            .WithEnvironment("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT")
            .WithEnvironment("KAFKA_INTER_BROKER_LISTENER_NAME", "BROKER")
            // One broker: internal topics get one replica, and one offsets partition makes the first group join fast.
            .WithEnvironment("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
            .WithEnvironment("KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS", "1")
            .WithEnvironment("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
            .WithEnvironment("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
            .WithEnvironment("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
            // The log cleaner allocates and zeroes its whole buffer at start: the default 128 MB costs start time and memory.
            .WithEnvironment("KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE", "2097152")
            // Above librdkafka's default session timeout (45 s), which 0.9's default cap (30 s) rejects.
            .WithEnvironment("KAFKA_GROUP_MAX_SESSION_TIMEOUT_MS", "60000")
            .WithEnvironment("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "true")
            .WithWaitStrategy(Wait.ForAll(
                new BrokerStartedWait(),
                Wait.Until("the broker to answer a metadata request on its published port and lead the consumer offsets topic", ServesGroupsAsync)));
        return container;
    }

    private static async ValueTask<bool> ServesGroupsAsync(IWaitTarget target, CancellationToken cancellationToken)
    {
        var kafka = (KafkaContainer)target;
        await KafkaAdmin.WaitUntilServingGroupsAsync(kafka.AdminConfig(), cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Takes the version the broker logged, unless it was set on the builder.</summary>
    internal void NoteBrokerVersion(string version)
    {
        if (!versionKnown)
        {
            (BrokerVersion, versionKnown) = (version, true);
        }
    }

    private bool IsOlderThan(int major, int minor, int build = 0) => KafkaAdmin.TryParseVersion(BrokerVersion, out var version) && version < new Version(major, minor, build);

    private T ForThisBroker<T>(T config) where T : ClientConfig
    {
        config.BootstrapServers = BootstrapServers;

        // librdkafka spaces its first connections to a broker by half the reconnect back-off (50 ms by default: a new
        // consumer waited that long to find its group's coordinator) and backs off up to 10 s after a broker restart.
        config.ReconnectBackoffMs = 20;
        config.ReconnectBackoffMaxMs = 1000;
        if (IsOlderThan(0, 10))
        {
            // Brokers before 0.10 do not answer the ApiVersion request: librdkafka must be told what they speak.
            config.ApiVersionRequest = false;
            config.BrokerVersionFallback = BrokerVersion;
        }

        return config;
    }
}
