using Testkit.Kafka;
using Testkit.Xunit;
using Xunit;
using Xunit.Abstractions;

namespace KafkaXunit;

/// <summary>One Kafka broker (with ZooKeeper inside its container) per test class that uses it.</summary>
public sealed class KafkaFixture(IMessageSink sink) : ContainerFixture<KafkaContainer>(sink, logger => new KafkaBuilder()
    .WithContainer(c => c.WithLogger(logger))
    .Build());

public sealed class OrderEventsTests(KafkaFixture kafka, ITestOutputHelper output) : IClassFixture<KafkaFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Published_events_are_consumed_with_each_order_in_sequence()
    {
        using var _ = kafka.CaptureOutput(output);
        await kafka.Container.CreateTopicAsync("orders", partitions: 2);
        var events = new OrderEvents(kafka.Container.ProducerConfig(), kafka.Container.ConsumerConfig("billing"));
        OrderEvent[] sent =
        [
            new("order-1", "placed"), new("order-2", "placed"), new("order-1", "paid"),
            new("order-2", "cancelled"), new("order-1", "shipped"),
        ];

        await events.PublishAsync(sent);
        var received = events.Read(sent.Length, Deadline);

        Assert.Equal(sent.OrderBy(e => e.OrderId).ThenBy(e => e.Status), received.OrderBy(e => e.OrderId).ThenBy(e => e.Status));
        Assert.Equal(["placed", "paid", "shipped"], received.Where(e => e.OrderId == "order-1").Select(e => e.Status));
    }
}
