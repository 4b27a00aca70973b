namespace Testkit.Kafka.Tests;

/// <summary>One broker shared by the tests that only read or add topics.</summary>
public sealed class KafkaFixture : IAsyncLifetime
{
    public KafkaContainer Kafka { get; } = new();

    public Task InitializeAsync() => Kafka.StartAsync();

    public Task DisposeAsync() => Kafka.DisposeAsync().AsTask();
}
