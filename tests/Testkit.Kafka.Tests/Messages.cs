using System.Diagnostics;
using Confluent.Kafka;

namespace Testkit.Kafka.Tests;

/// <summary>Produces and consumes test messages against a started broker, with deadlines instead of sleeps.</summary>
internal static class Messages
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static async Task ProduceAsync(KafkaContainer kafka, string topic, IEnumerable<(string Key, string Value)> messages)
    {
        using var producer = new ProducerBuilder<string, string>(kafka.ProducerConfig()).SetLogHandler(static (_, _) => { }).Build();
        await Task.WhenAll(messages.Select(m => producer.ProduceAsync(topic, new Message<string, string> { Key = m.Key, Value = m.Value })));
    }

    /// <summary>Consumes through a consumer group until <paramref name="count"/> messages came or the deadline passed.</summary>
    public static List<ConsumeResult<string, string>> Consume(KafkaContainer kafka, string topic, string group, int count)
    {
        var received = new List<ConsumeResult<string, string>>();
        using var consumer = new ConsumerBuilder<string, string>(kafka.ConsumerConfig(group)).SetLogHandler(static (_, _) => { }).Build();
        consumer.Subscribe(topic);
        var clock = Stopwatch.StartNew();
        while (received.Count < count && clock.Elapsed < Deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } result)
            {
                received.Add(result);
            }
        }

        consumer.Close();
        return received;
    }
}
