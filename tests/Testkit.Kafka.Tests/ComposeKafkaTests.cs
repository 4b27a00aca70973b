using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Testkit.Compose;
using Testkit.Tests.Shared;
using Testkit.Waiting;

namespace Testkit.Kafka.Tests;

/// <summary>The classic cp-zookeeper + cp-kafka compose pair, run by <see cref="ComposeStack"/> and reached by a Confluent.Kafka client.</summary>
public sealed partial class ComposeKafkaTests : IDisposable
{
    // Modelled on the compose file of Confluent's quick starts: a listener for the compose network and one for the host.
    private const string ComposeFile = """
        version: "3"
        services:
          zookeeper:
            image: confluentinc/cp-zookeeper:7.6.1
            environment:
              ZOOKEEPER_CLIENT_PORT: 2181
              ZOOKEEPER_TICK_TIME: 2000
          kafka:
            image: confluentinc/cp-kafka:7.6.1
            depends_on:
              - zookeeper
            ports:
              - "${KAFKA_HOST_PORT:-29092}:${KAFKA_HOST_PORT:-29092}"
            environment:
              KAFKA_BROKER_ID: 1
              KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181
              KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:9092,PLAINTEXT_HOST://localhost:${KAFKA_HOST_PORT:-29092}
              KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT
              KAFKA_INTER_BROKER_LISTENER_NAME: PLAINTEXT
              KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1
              KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: 1
        """;

    private readonly string directory = Directory.CreateTempSubdirectory("testkit-compose-kafka-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task Classic_zookeeper_and_kafka_pair_carries_a_message_to_a_consumer_group_and_down_leaves_nothing()
    {
        var file = Path.Combine(directory, "docker-compose.yml");
        await File.WriteAllTextAsync(file, ComposeFile);

        // A host port published as the same port inside, as the classic file does: free now, advertised to clients.
        var hostPort = FreePort();
        var options = new ComposeStackOptions
        {
            ProjectName = "tk-compose-kafka",
            Environment = new Dictionary<string, string> { ["KAFKA_HOST_PORT"] = hostPort.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        var stack = ComposeStack.FromFiles(options, file)
            .WithWait("kafka", Wait.ForLogMessage(@"\[KafkaServer id=1\] started"));
        var prefix = stack.NamePrefix();
        string zookeeperId, kafkaId;
        await using (stack)
        {
            await stack.StartAsync();
            var kafka = stack.GetService("kafka");
            zookeeperId = stack.GetService("zookeeper").Id;
            kafkaId = kafka.Id;
            Assert.Equal(hostPort, kafka.GetMappedPort(hostPort));

            // The offline stand-in is Kafka 0.9, which librdkafka must be told about; a current cp-kafka needs nothing extra.
            var version = VersionLine().Match((await kafka.GetLogsAsync()).Stdout).Groups[1].Value;
            var producerConfig = ForBroker(new ProducerConfig { BootstrapServers = $"localhost:{hostPort}", MessageTimeoutMs = (int)Messages.Deadline.TotalMilliseconds }, version);
            var consumerConfig = ForBroker(new ConsumerConfig
            {
                BootstrapServers = $"localhost:{hostPort}",
                GroupId = "compose-readers",
                AutoOffsetReset = AutoOffsetReset.Earliest,
                SessionTimeoutMs = 10_000,
            }, version);

            using (var producer = new ProducerBuilder<string, string>(producerConfig).SetLogHandler(static (_, _) => { }).Build())
            {
                // The topic is auto-created on first use: librdkafka retries until it has a leader, within the message timeout.
                var delivery = await producer.ProduceAsync("compose-orders", new Message<string, string> { Key = "order-1", Value = "42 apples" });
                Assert.Equal(PersistenceStatus.Persisted, delivery.Status);
            }

            var received = ConsumeOne(consumerConfig, "compose-orders");
            Assert.NotNull(received);
            Assert.Equal(("order-1", "42 apples"), (received.Message.Key, received.Message.Value));
            Assert.True(await EngineProbe.NetworkExistsAsync(prefix + "_default"));
        }

        Assert.False(await EngineProbe.ContainerExistsAsync(zookeeperId));
        Assert.False(await EngineProbe.ContainerExistsAsync(kafkaId));
        Assert.False(await EngineProbe.NetworkExistsAsync(prefix + "_default"));
    }

    private static T ForBroker<T>(T config, string version) where T : ClientConfig
    {
        if (version.StartsWith("0.9", StringComparison.Ordinal))
        {
            config.ApiVersionRequest = false;
            config.BrokerVersionFallback = version;
        }

        return config;
    }

    private static ConsumeResult<string, string>? ConsumeOne(ConsumerConfig config, string topic)
    {
        using var consumer = new ConsumerBuilder<string, string>(config).SetLogHandler(static (_, _) => { }).Build();
        consumer.Subscribe(topic);
        var clock = Stopwatch.StartNew();
        try
        {
            while (clock.Elapsed < Messages.Deadline)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } result)
                {
                    consumer.Commit(result);
                    return result;
                }
            }

            return null;
        }
        finally
        {
            consumer.Close();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"Kafka version ?: ?(\S+)")]
    private static partial Regex VersionLine();
}
