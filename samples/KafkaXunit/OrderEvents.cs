using System.Diagnostics;
using Confluent.Kafka;

namespace KafkaXunit;

public sealed record OrderEvent(string OrderId, string Status);

/// <summary>The code under test: publishes order events keyed by order id, and reads them back through a consumer group.</summary>
public sealed class OrderEvents(ProducerConfig producerConfig, ConsumerConfig consumerConfig, string topic = "orders")
{
    public async Task PublishAsync(IEnumerable<OrderEvent> events, CancellationToken cancellationToken = default)
    {
        using var producer = new ProducerBuilder<string, string>(producerConfig).Build();
        foreach (var e in events)
        {
            // Keyed by order: Kafka keeps one order's events in one partition, in order.
            await producer.ProduceAsync(topic, new Message<string, string> { Key = e.OrderId, Value = e.Status }, cancellationToken);
        }
    }

    /// <summary>Reads until <paramref name="count"/> events came or <paramref name="timeout"/> passed.</summary>
    public IReadOnlyList<OrderEvent> Read(int count, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<string, string>(consumerConfig).Build();
        consumer.Subscribe(topic);
        var events = new List<OrderEvent>();
        var clock = Stopwatch.StartNew();
        while (events.Count < count && clock.Elapsed < timeout)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } result)
            {
                events.Add(new OrderEvent(result.Message.Key, result.Message.Value));
            }
        }

        consumer.Close();
        return events;
    }
}
