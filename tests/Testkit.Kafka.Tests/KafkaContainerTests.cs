using System.Diagnostics;
using System.Globalization;
using Testkit.Containers;
using Testkit.Tests.Shared;
using Xunit.Abstractions;

namespace Testkit.Kafka.Tests;

public class KafkaContainerTests(KafkaFixture fixture, ITestOutputHelper output) : IClassFixture<KafkaFixture>
{
    private KafkaContainer Kafka => fixture.Kafka;

    [Fact]
    public async Task A_thousand_messages_come_back_through_a_consumer_group()
    {
        await Kafka.CreateTopicAsync("orders", partitions: 3);
        var sent = Enumerable.Range(0, 1000).Select(i => ($"key-{i % 7}", $"order-{i:D4}")).ToList();

        await Messages.ProduceAsync(Kafka, "orders", sent);
        var received = Messages.Consume(Kafka, "orders", "billing", sent.Count);

        Assert.Equal(sent.Count, received.Count);
        Assert.Equal(sent.OrderBy(m => m.Item2), received.Select(r => (r.Message.Key, r.Message.Value)).OrderBy(m => m.Value));
        Assert.Equal(3, received.Select(r => r.Partition.Value).Distinct().Count());
        // Within a partition, order is kept.
        Assert.All(received.GroupBy(r => r.Partition.Value), p => Assert.Equal(p.Select(r => r.Message.Value).Order(), p.Select(r => r.Message.Value)));
    }

    [Fact]
    public async Task A_created_topic_has_the_requested_partitions_each_with_a_leader()
    {
        await Kafka.CreateTopicAsync("five-partitions", partitions: 5);

        using var admin = new Confluent.Kafka.AdminClientBuilder(Kafka.AdminConfig()).SetLogHandler(static (_, _) => { }).Build();
        var topic = Assert.Single(admin.GetMetadata("five-partitions", TimeSpan.FromSeconds(10)).Topics);
        Assert.False(topic.Error.IsError, topic.Error.Reason);
        Assert.Equal([0, 1, 2, 3, 4], topic.Partitions.Select(p => p.PartitionId).Order());
        Assert.All(topic.Partitions, p => Assert.Equal(1, p.Leader));
    }

    [Fact]
    public async Task Creating_a_topic_that_exists_names_the_cause()
    {
        await Kafka.CreateTopicAsync("twice");

        var error = await Assert.ThrowsAsync<TestkitException>(() => Kafka.CreateTopicAsync("twice"));

        Assert.Contains("twice", error.Message, StringComparison.Ordinal);
        Assert.Contains("exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_settings_carry_the_address_and_what_the_broker_version_needs()
    {
        Assert.NotNull(Kafka.BrokerVersion);
        var legacy = Kafka.BrokerVersion.StartsWith("0.9", StringComparison.Ordinal);

        var consumer = Kafka.ConsumerConfig("group");

        Assert.Equal(Kafka.BootstrapServers, consumer.BootstrapServers);
        Assert.Equal(Kafka.BootstrapServers, Kafka.ProducerConfig().BootstrapServers);
        Assert.Equal(Kafka.BootstrapServers, Kafka.AdminConfig().BootstrapServers);
        Assert.StartsWith("127.0.0.1:", Kafka.BootstrapServers, StringComparison.Ordinal);
        Assert.Equal(legacy ? false : null, consumer.ApiVersionRequest);
        Assert.Equal(legacy ? Kafka.BrokerVersion : null, consumer.BrokerVersionFallback);
        Assert.True(!legacy || consumer.SessionTimeoutMs <= 30_000, "0.9 caps session timeouts at 30 s");
    }

    [Fact]
    public async Task A_container_reaches_the_broker_the_documented_way()
    {
        // Newer brokers have a listener for containers on a network the broker joined as 'kafka'; this one joined none
        // (ZooKeeper runs inside it), and Kafka 0.9 advertises only the host's address: either way NetworkBootstrapServers
        // refuses and says to share the broker's network namespace instead.
        var client = new ContainerBuilder(KafkaContainer.DefaultImage).WithEntrypoint("/bin/sh", "-c");
        string bootstrap;
        try
        {
            bootstrap = Kafka.NetworkBootstrapServers;
            client = client.WithNetwork(Kafka.Settings.Networks.Single(n => n.Aliases.Contains("kafka")).Network);
        }
        catch (InvalidOperationException e)
        {
            Assert.Contains("network namespace", e.Message, StringComparison.Ordinal);
            (client, bootstrap) = (client.WithNetwork($"container:{Kafka.Id}"), Kafka.BootstrapServers);
        }

        await using var producer = client.ReplaceCommand(
            "echo from-a-container | if command -v kafka-console-producer >/dev/null; then kafka-console-producer --broker-list \"$0\" --topic shared --request-required-acks 1; "
            + "else java kafka.tools.ConsoleProducer --broker-list \"$0\" --topic shared --request-required-acks 1; fi", bootstrap).Build();
        await producer.StartAsync();
        using var deadline = new CancellationTokenSource(Messages.Deadline);
        var exitCode = await producer.WaitForExitAsync(deadline.Token);
        Assert.True(exitCode == 0, $"the console producer exited with {exitCode}: {(await producer.GetLogsAsync()).Stderr}");

        var received = Messages.Consume(Kafka, "shared", "from-containers", 1);
        Assert.Equal("from-a-container", Assert.Single(received).Message.Value);
    }

    [Fact]
    public void Once_started_the_consumer_offsets_topic_has_a_leader_so_a_first_group_finds_its_coordinator_at_once()
    {
        // StartAsync asks for the topic, which makes the broker create it (as a group's first lookup would) and waits
        // for its leader.
        using var admin = new Confluent.Kafka.AdminClientBuilder(Kafka.AdminConfig()).SetLogHandler(static (_, _) => { }).Build();
        var offsets = Assert.Single(admin.GetMetadata("__consumer_offsets", TimeSpan.FromSeconds(10)).Topics);

        Assert.False(offsets.Error.IsError, offsets.Error.Reason);
        Assert.All(offsets.Partitions, p => Assert.Equal(1, p.Leader));
        Assert.NotEmpty(offsets.Partitions);
    }

    [Fact]
    public async Task A_consumer_that_subscribed_before_its_topic_existed_still_gets_the_first_message()
    {
        // The group joins while the topic is being created (Kafka 0.9 creates it on the consumer's own metadata request),
        // without it; ConsumerConfig's metadata refresh makes it join again with the topic instead of five minutes later.
        var joined = false;
        using var consumer = new Confluent.Kafka.ConsumerBuilder<string, string>(Kafka.ConsumerConfig("early-readers"))
            .SetLogHandler(static (_, _) => { })
            .SetPartitionsAssignedHandler((_, _) => joined = true)
            .Build();
        consumer.Subscribe("created-late");
        var clock = Stopwatch.StartNew();
        while (!joined && clock.Elapsed < Messages.Deadline)
        {
            Assert.Null(ConsumeOrNull(consumer));
        }

        await Messages.ProduceAsync(Kafka, "created-late", [("k", "late")]);
        Confluent.Kafka.ConsumeResult<string, string>? received = null;
        clock.Restart();
        while (received is null && clock.Elapsed < Messages.Deadline)
        {
            received = ConsumeOrNull(consumer);
        }

        consumer.Close();
        Assert.True(joined, "the consumer never joined its group");
        Assert.Equal("late", received?.Message.Value);
    }

    // librdkafka reports "Subscribed topic not available" through Consume until the topic exists: not fatal, keep polling.
    private static Confluent.Kafka.ConsumeResult<string, string>? ConsumeOrNull(Confluent.Kafka.IConsumer<string, string> consumer)
    {
        try
        {
            return consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } result ? result : null;
        }
        catch (Confluent.Kafka.ConsumeException e) when (e.Error.Code == Confluent.Kafka.ErrorCode.UnknownTopicOrPart)
        {
            return null;
        }
    }

    [Fact]
    public async Task Start_to_first_consumed_message()
    {
        var clock = Stopwatch.StartNew();
        await using var kafka = new KafkaContainer();
        await kafka.StartAsync();
        var started = clock.Elapsed;

        await Messages.ProduceAsync(kafka, "first", [("k", "hello")]);
        var produced = clock.Elapsed;
        var received = Messages.Consume(kafka, "first", "first-group", 1);
        var consumed = clock.Elapsed;

        Assert.Equal("hello", Assert.Single(received).Message.Value);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Kafka {kafka.BrokerVersion}: started {started.TotalSeconds:0.00} s, "
            + $"first message produced {produced.TotalSeconds:0.00} s, consumed through a group {consumed.TotalSeconds:0.00} s"));
    }

    [Fact]
    public async Task By_default_ZooKeeper_runs_inside_the_broker_container_and_disposing_removes_it()
    {
        var kafka = new KafkaContainer();
        await kafka.StartAsync();

        Assert.Null(kafka.ZooKeeper);
        Assert.Null(kafka.Network);
        var srvr = await kafka.ExecAsync(["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/2181 && printf srvr >&3 && cat <&3"]);
        Assert.Contains("Mode: standalone", srvr.Stdout, StringComparison.Ordinal);

        await kafka.DisposeAsync();
        Assert.False(await EngineProbe.ContainerExistsAsync(kafka.Id));
    }

    [Fact]
    public async Task With_a_ZooKeeper_container_a_message_comes_back_and_disposing_removes_the_broker_its_zookeeper_and_its_network()
    {
        var kafka = new KafkaBuilder().WithZooKeeper().Build();
        await kafka.StartAsync();
        var (broker, zookeeper, network) = (kafka.Id, kafka.ZooKeeper!.Id, kafka.Network!.Id);
        Assert.True(await EngineProbe.ContainerExistsAsync(zookeeper));

        await Messages.ProduceAsync(kafka, "apart", [("k", "via a ZooKeeper container")]);
        Assert.Equal("via a ZooKeeper container", Assert.Single(Messages.Consume(kafka, "apart", "apart-group", 1)).Message.Value);

        await kafka.DisposeAsync();

        Assert.False(await EngineProbe.ContainerExistsAsync(broker));
        Assert.False(await EngineProbe.ContainerExistsAsync(zookeeper));
        Assert.False(await EngineProbe.NetworkExistsAsync(network));
        await kafka.DisposeAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_broker_that_cannot_start_takes_its_zookeeper_and_network_with_it(bool zookeeperContainer)
    {
        var options = new KafkaBuilder().WithContainer(c => c.WithEnvironment("KAFKA_BROKER_ID", "not-a-number"));
        var kafka = (zookeeperContainer ? options.WithZooKeeper() : options).Build();

        await Assert.ThrowsAsync<ContainerExitedException>(() => kafka.StartAsync());

        Assert.False(await EngineProbe.ContainerExistsAsync(kafka.Id));
        if (zookeeperContainer)
        {
            Assert.False(await EngineProbe.ContainerExistsAsync(kafka.ZooKeeper!.Id));
            Assert.False(await EngineProbe.NetworkExistsAsync(kafka.Network!.Id));
        }
    }

    [Fact]
    public async Task A_reused_broker_is_found_again_by_the_next_start_with_its_messages()
    {
        // The host port is part of the broker's settings (its advertised address): a reused broker must choose the same one.
        var run = Guid.NewGuid().ToString("N");
        KafkaContainer Broker() => new KafkaBuilder().WithContainer(c => c.WithReuse().WithLabel("testkit.test.reuse", run)).Build();
        try
        {
            string first;
            await using (var kafka = Broker())
            {
                await kafka.StartAsync();
                first = kafka.Id;
                await Messages.ProduceAsync(kafka, "kept", [("k", "still here")]);
            }

            await using var again = Broker();
            await again.StartAsync();

            Assert.Equal(first, again.Id);
            Assert.Equal("still here", Assert.Single(Messages.Consume(again, "kept", "kept-group", 1)).Message.Value);
        }
        finally
        {
            await Testkit.Containers.Reuse.ContainerReuse.PruneIdleAsync(await Testkit.Engine.DockerEngine.GetSharedAsync(), DateTimeOffset.MaxValue,
                TimeSpan.Zero, $"testkit.test.reuse={run}", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Disposing_a_broker_that_never_started_is_safe_twice()
    {
        var kafka = new KafkaContainer();

        await kafka.DisposeAsync();
        await kafka.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => kafka.StartAsync());
    }
}
