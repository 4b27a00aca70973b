using Confluent.Kafka;
using Testkit.Containers;
using Testkit.Networks;
using Testkit.Waiting;

namespace Testkit.Kafka;

/// <summary>A Kafka broker with its own ZooKeeper on a private network, like the classic cp-zookeeper + cp-kafka pair;
/// ready for clients on the host once <see cref="Container.StartAsync"/> returns. Disposing it removes all three.</summary>
/// <example><code>
/// await using var kafka = new KafkaContainer();
/// await kafka.StartAsync();
/// using var producer = new ProducerBuilder&lt;string, string&gt;(kafka.ProducerConfig()).Build();
/// </code></example>
public sealed class KafkaContainer : Container
{
    /// <summary>The broker image used unless another is set: Confluent's Kafka.</summary>
    public const string DefaultImage = "confluentinc/cp-kafka:7.6.1";

    /// <summary>The listener for clients on the host, published on a random port.</summary>
    public const int Port = 9092;

    // The listener for the controller and for containers on the network, and the names there.
    private const int NetworkPort = 9093;
    private const string NetworkAlias = "kafka";
    private const string ZooKeeperAlias = "zookeeper";
    private const string AdvertisedFile = "/tmp/testkit-advertised-listeners";

    // The host's address exists only once the engine published the port: the broker waits until OnStartedAsync hands
    // it in, and deletes it so that a restart (which may publish another port) waits for the new one.
    private const string StartWhenAdvertised = $$"""
        i=0; until [ -s {{AdvertisedFile}} ]; do
          i=$((i + 1)); [ $i -le 3000 ] || { echo "Testkit did not hand in the advertised listeners in time" >&2; exit 1; }; sleep 0.02
        done
        export KAFKA_ADVERTISED_LISTENERS="$(cat {{AdvertisedFile}})"; rm -f {{AdvertisedFile}}
        exec /etc/confluent/docker/run
        """;

    private Task? zookeeperStart;
    private bool versionKnown;

    /// <summary>A broker with the defaults: <see cref="DefaultImage"/> and <see cref="ZooKeeperContainer.DefaultImage"/>.</summary>
    public KafkaContainer() : this(new KafkaBuilder()) { }

    /// <summary>A broker as <paramref name="options"/> describes it.</summary>
    public KafkaContainer(KafkaBuilder options) : this(options ?? throw new ArgumentNullException(nameof(options)), new NetworkBuilder().Build()) { }

    private KafkaContainer(KafkaBuilder options, Network network) : base(ToSettings(options, network))
    {
        Network = network;
        ZooKeeper = options.ZooKeeper.WithContainer(c => c.WithNetwork(network, ZooKeeperAlias)).Build();
        (BrokerVersion, versionKnown) = (options.BrokerVersion, options.BrokerVersion is not null);
    }

    /// <summary>The private network of the broker and its ZooKeeper; other containers may join it.</summary>
    public Network Network { get; }

    /// <summary>The broker's ZooKeeper, started with it.</summary>
    public ZooKeeperContainer ZooKeeper { get; }

    /// <summary>The Kafka version the broker runs, as set on the builder or read from its log at start; null if unknown.</summary>
    public string? BrokerVersion { get; private set; }

    /// <summary>The <c>host:port</c> clients in the test process connect to.</summary>
    public string BootstrapServers => $"{Host}:{GetMappedPort(Port)}";

    /// <summary>The address for clients in containers on <see cref="Network"/>: <c>kafka:9093</c>, from Kafka 0.10.2 on.</summary>
    /// <exception cref="InvalidOperationException">The broker is older: its single listener advertises the host's address.</exception>
    public string NetworkBootstrapServers => IsOlderThan(0, 10, 2)
        ? throw new InvalidOperationException($"Kafka {BrokerVersion} has a single listener, which advertises {BootstrapServers} for the host, so "
            + $"containers on {Network.Name} cannot use it. Start the client container in the broker's network namespace "
            + "(WithNetwork(\"container:\" + kafka.Id)) and give it BootstrapServers, or run Kafka 0.10.2 or later.")
        : $"{NetworkAlias}:{NetworkPort}";

    /// <summary>Producer settings for this broker: the bootstrap servers and what its version needs.</summary>
    public ProducerConfig ProducerConfig() => ForThisBroker(new ProducerConfig());

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
            ? KafkaAdmin.CreateTopicThroughZooKeeperAsync(this, $"{ZooKeeperAlias}:{ZooKeeperContainer.Port}", name, partitions, cancellationToken)
            : KafkaAdmin.CreateTopicAsync(AdminConfig(), name, partitions)).ConfigureAwait(false);
        await KafkaAdmin.WaitForLeadersAsync(AdminConfig(), name, partitions, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override Task OnStartingAsync(CancellationToken cancellationToken)
    {
        // Not awaited: ZooKeeper starts while the broker is created; OnStartedAsync joins it.
        zookeeperStart = ZooKeeper.StartAsync(cancellationToken);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override async ValueTask OnStartFailedAsync()
    {
        if (zookeeperStart is not null)
        {
            await zookeeperStart.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await ZooKeeper.DisposeAsync().ConfigureAwait(false);
        await Network.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Removes the broker and its ZooKeeper, then their network.</summary>
    protected override async ValueTask DisposeAsyncCore()
    {
        await using (Network.ConfigureAwait(false))
        {
            await Task.WhenAll(base.DisposeAsyncCore().AsTask(), ZooKeeper.DisposeAsync().AsTask()).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override async Task OnStartedAsync(CancellationToken cancellationToken)
    {
        // Written whole, then renamed, so that the broker never reads half an address. The image's start script waits
        // for ZooKeeper by itself, so the address goes in while ZooKeeper may still be starting.
        var listeners = $"PLAINTEXT://{BootstrapServers},BROKER://{NetworkAlias}:{NetworkPort}";
        var handIn = ExecAsync(["sh", "-c", "printf '%s' \"$1\" > \"$2.tmp\" && mv \"$2.tmp\" \"$2\"", "sh", listeners, AdvertisedFile], cancellationToken);
        zookeeperStart ??= ZooKeeper.StartAsync(cancellationToken);
        await Task.WhenAll(handIn, zookeeperStart).ConfigureAwait(false);
        if ((await handIn.ConfigureAwait(false)) is { ExitCode: not 0 } failed)
        {
            throw new TestkitException($"The broker's advertised address could not be written to {AdvertisedFile}: {failed.Stderr.Trim()}. "
                + "The image needs 'sh', 'mv' and a writable /tmp, as cp-kafka has.");
        }
    }

    private static ContainerSettings ToSettings(KafkaBuilder options, Network network)
    {
        var container = new ContainerBuilder(options.Image)
            .WithNetwork(network, NetworkAlias)
            .WithPortBinding(Port)
            .WithEntrypoint("/bin/sh", "-c")
            .WithCommand(StartWhenAdvertised)
            .WithEnvironment("KAFKA_BROKER_ID", "1")
            .WithEnvironment("KAFKA_ZOOKEEPER_CONNECT", $"{ZooKeeperAlias}:{ZooKeeperContainer.Port}")
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
                Wait.ForLogMessage(@"\[KafkaServer id=\d+\] started"),
                Wait.Until("the broker to answer a metadata request on its published port and lead the consumer offsets topic", ServesGroupsAsync)));
        return options.Customize(container).Settings;
    }

    private static async ValueTask<bool> ServesGroupsAsync(IWaitTarget target, CancellationToken cancellationToken)
    {
        var kafka = (KafkaContainer)target;
        if (!kafka.versionKnown)
        {
            // The client settings depend on the version, which the broker logs before "started".
            var (stdout, stderr) = await kafka.GetLogsAsync(null, cancellationToken).ConfigureAwait(false);
            (kafka.BrokerVersion, kafka.versionKnown) = (KafkaAdmin.FindVersion(stdout + stderr), true);
        }

        await KafkaAdmin.WaitUntilServingGroupsAsync(kafka.AdminConfig(), cancellationToken).ConfigureAwait(false);
        return true;
    }

    private bool IsOlderThan(int major, int minor, int build = 0) => KafkaAdmin.TryParseVersion(BrokerVersion, out var version) && version < new Version(major, minor, build);

    private T ForThisBroker<T>(T config) where T : ClientConfig
    {
        config.BootstrapServers = BootstrapServers;
        if (IsOlderThan(0, 10))
        {
            // Brokers before 0.10 do not answer the ApiVersion request: librdkafka must be told what they speak.
            config.ApiVersionRequest = false;
            config.BrokerVersionFallback = BrokerVersion;
        }

        return config;
    }
}
