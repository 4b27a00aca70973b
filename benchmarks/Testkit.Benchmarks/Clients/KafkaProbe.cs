using Confluent.Kafka;
using Testkit.Images;

namespace Testkit.Benchmarks.Clients;

/// <summary>What every Kafka row ends with, the same for every tool: one message produced and consumed back through a
/// consumer group (the first join creates the offsets topic, so this includes it), or a metadata answer.</summary>
internal static class KafkaProbe
{
    public const string Topic = "bench";

    public const string Group = "bench";

    /// <summary>Set to 1 to see librdkafka's log on standard error, when a Kafka row fails.</summary>
    public const string VerboseVariable = "TESTKIT_BENCH_KAFKA_LOG";

    private static readonly bool Verbose = Environment.GetEnvironmentVariable(VerboseVariable) == "1";

    /// <summary>Client settings for a broker at <paramref name="bootstrapServers"/> running <paramref name="image"/>, for the rows
    /// whose SDK does not give them (Testkit's <c>ProducerConfig()</c> / <c>ConsumerConfig()</c> set the same).</summary>
    public static T ForBroker<T>(T config, string bootstrapServers, string image) where T : ClientConfig
    {
        config.BootstrapServers = bootstrapServers;
        if (LegacyBrokerVersion(image) is { } version)
        {
            // Brokers before 0.10 do not answer the ApiVersion request: librdkafka must be told what they speak.
            config.ApiVersionRequest = false;
            config.BrokerVersionFallback = version;
        }

        return config;
    }

    public static ConsumerConfig Consumer(string bootstrapServers, string image) => ForBroker(new ConsumerConfig
    {
        GroupId = Group,
        AutoOffsetReset = AutoOffsetReset.Earliest,

        // Kafka 0.9 caps session timeouts at 30 s, below librdkafka's default 45 s; Testkit's ConsumerConfig sets 10 s.
        SessionTimeoutMs = 10_000,

        // As Testkit's ConsumerConfig: without it, about one join in eight against Kafka 0.9 waits for metadata that never
        // comes until librdkafka's 5-minute refresh, and that row would only measure the run's timeout.
        TopicMetadataRefreshIntervalMs = 500,
    }, bootstrapServers, image);

    /// <summary>Produces one message, then consumes it through <see cref="Group"/>.</summary>
    /// <remarks>In this order on purpose: a consumer that subscribes before the auto-created topic has a leader can join
    /// with no partition and only look again at its next metadata refresh (minutes): runs then hung until their timeout.
    /// Once the produce is acknowledged the topic has its leader, and the join finds its partition at once.</remarks>
    public static async Task FirstMessageConsumedAsync(ProducerConfig producerConfig, ConsumerConfig consumerConfig, Action<string> phase, CancellationToken cancellationToken)
    {
        phase("produce");
        using (var producer = new ProducerBuilder<Null, string>(producerConfig).SetLogHandler(Log).Build())
        {
            await producer.ProduceAsync(Topic, new Message<Null, string> { Value = "first" }, cancellationToken);
        }

        phase("consume through the group");
        using var consumer = new ConsumerBuilder<Null, string>(consumerConfig).SetLogHandler(Log).Build();
        consumer.Subscribe(Topic);
        await Task.Factory.StartNew(
            () =>
            {
                // Short polls, so that cancellation (the run's timeout) is seen within 50 ms.
                while (consumer.Consume(TimeSpan.FromMilliseconds(50)) is not { Message: not null })
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    /// <summary>Asks the broker for its metadata until it lists a broker: the broker answers clients.</summary>
    public static async Task MetadataAnsweredAsync(AdminClientConfig config, CancellationToken cancellationToken)
    {
        // librdkafka backs off exponentially up to 10 s between reconnects: against a broker that is still starting
        // (the engine's proxy accepts, then resets) that would wait long after it is up. Poll as the other floors do.
        config.ReconnectBackoffMs = 10;
        config.ReconnectBackoffMaxMs = 50;
        using var admin = new AdminClientBuilder(config).SetLogHandler(Log).Build();

        // librdkafka blocks the calling thread until the answer or the timeout; an answer without a broker is "not yet" too.
        await FixedPolling.UntilAsync(
            _ => admin.GetMetadata(TimeSpan.FromSeconds(1)).Brokers.Count > 0 ? Task.CompletedTask : throw new KafkaException(ErrorCode.BrokerNotAvailable),
            e => e is KafkaException,
            TimeSpan.FromMilliseconds(10),
            cancellationToken);
    }

    // librdkafka's warnings (deprecated settings for 0.9, the metadata parse error while a topic is auto-created) are
    // expected here and would bury the progress lines.
    // The client is not touched: librdkafka logs while the client is still being built, and reading its name then crashes the process.
    private static void Log(IClient client, LogMessage message)
    {
        if (Verbose)
        {
            Console.Error.WriteLine($"[librdkafka {message.Name}] {message.Level} {message.Facility}: {message.Message}");
        }
    }

    // The offline stand-in is tagged with its Kafka version (0.9.0.1-…); Confluent's tags (7.6.1) are Confluent Platform
    // versions, whose brokers are all 0.10 or later and answer the ApiVersion request.
    private static string? LegacyBrokerVersion(string image)
    {
        var tag = ImageReference.Parse(image).Tag ?? "";
        var digits = new string([.. tag.TakeWhile(c => char.IsAsciiDigit(c) || c == '.')]).TrimEnd('.');
        return Version.TryParse(digits, out var version) && version < new Version(0, 10) ? digits : null;
    }
}
