using Npgsql;
using Testkit.Containers;
using Testkit.Postgres;

namespace Testkit.Cli.Tests;

[CollectionDefinition(nameof(DevServiceForTestsTests), DisableParallelization = true)]
public sealed class RunsAlone;

/// <summary>One environment for dev and tests: TESTKIT_DEV_SERVICES points a test's PostgresContainer (or KafkaContainer) at
/// a dev service started with `testkit up`. The variable redirects every such container of this process, so this runs alone.</summary>
[Collection(nameof(DevServiceForTestsTests))]
public sealed class DevServiceForTestsTests
{
    [Fact]
    public async Task A_test_pointed_at_a_dev_service_sees_its_data_and_leaves_it_running()
    {
        var name = Cli.UniqueName();
        try
        {
            var up = await Cli.RunAsync("up", "postgres", "--name", name, "--port", Cli.FreePort().ToString(), "--json");
            Assert.True(up.ExitCode == 0, up.ToString());
            await using (var db = NpgsqlDataSource.Create(up.Json.GetProperty("connectionString").GetString()!))
            {
                await using var seed = db.CreateCommand("CREATE TABLE orders (id int); INSERT INTO orders VALUES (7)");
                await seed.ExecuteNonQueryAsync();
            }

            Environment.SetEnvironmentVariable(DevServices.EnvironmentVariable, $"postgres={name}");
            try
            {
                await using var pg = new PostgresContainer();
                await pg.StartAsync();
                Assert.Equal(name, pg.DevService);
                await using var db = NpgsqlDataSource.Create(pg.GetConnectionString());
                await using var read = db.CreateCommand("SELECT id FROM orders");
                Assert.Equal(7, await read.ExecuteScalarAsync());
            }
            finally
            {
                Environment.SetEnvironmentVariable(DevServices.EnvironmentVariable, null);
            }

            var service = await Cli.ListedServiceAsync(name);
            Assert.Equal("running", service.GetProperty("status").GetString());
        }
        finally
        {
            await Engine.RemoveAllAsync(name);
        }
    }

    [Fact]
    public async Task A_test_pointed_at_a_kafka_dev_service_reads_what_was_produced_to_it_and_leaves_it_running()
    {
        var name = Cli.UniqueName();
        try
        {
            var up = await Cli.RunAsync("up", "kafka", "--name", name, "--port", Cli.FreePort().ToString(), "--json");
            Assert.True(up.ExitCode == 0, up.ToString());

            Environment.SetEnvironmentVariable(DevServices.EnvironmentVariable, $"kafka={name}");
            try
            {
                await using (var kafka = new Testkit.Kafka.KafkaContainer())
                {
                    await kafka.StartAsync();
                    Assert.Equal(name, kafka.DevService);
                    Assert.Equal(up.Json.GetProperty("details").GetProperty("bootstrapServers").GetString(), kafka.BootstrapServers);

                    // Through ZooKeeper for Kafka 0.9: the dev service's own, named in its environment.
                    await kafka.CreateTopicAsync("from-a-test");
                    using var producer = new Confluent.Kafka.ProducerBuilder<string, string>(kafka.ProducerConfig()).SetLogHandler(static (_, _) => { }).Build();
                    await producer.ProduceAsync("from-a-test", new Confluent.Kafka.Message<string, string> { Key = "k", Value = "kept in the dev service" });
                }

                // A second test process (here: a second container object) finds the message in the dev service.
                await using var again = new Testkit.Kafka.KafkaContainer();
                await again.StartAsync();
                using var consumer = new Confluent.Kafka.ConsumerBuilder<string, string>(again.ConsumerConfig("dev-readers")).SetLogHandler(static (_, _) => { }).Build();
                consumer.Subscribe("from-a-test");
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                Confluent.Kafka.ConsumeResult<string, string>? received = null;
                while (received?.Message is null)
                {
                    deadline.Token.ThrowIfCancellationRequested();
                    received = consumer.Consume(TimeSpan.FromMilliseconds(100));
                }

                Assert.Equal("kept in the dev service", received.Message.Value);
            }
            finally
            {
                Environment.SetEnvironmentVariable(DevServices.EnvironmentVariable, null);
            }

            var service = await Cli.ListedServiceAsync(name);
            Assert.Equal("running", service.GetProperty("status").GetString());
        }
        finally
        {
            await Engine.RemoveAllAsync(name);
        }
    }
}
