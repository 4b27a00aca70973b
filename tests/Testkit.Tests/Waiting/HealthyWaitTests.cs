using Testkit.Containers;
using Testkit.Tests.Containers;
using Testkit.Tests.Shared;
using Testkit.Waiting;

namespace Testkit.Tests.Waiting;

public class HealthyWaitTests
{
    [Fact]
    public async Task It_waits_through_starting_until_the_health_check_passes()
    {
        await using var container = new ContainerBuilder("debian:bookworm")
            .ReplaceCommand("sh", "-c", "sleep 1; touch /tmp/healthy; sleep infinity")
            .WithHealthCheck(new HealthCheck(["test", "-e", "/tmp/healthy"], TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2), Retries: 100))
            .WithWaitStrategy(Wait.ForHealthy())
            .Build();

        await container.StartAsync();

        Assert.Equal("healthy", (await container.GetStateAsync()).Health);
        Assert.Equal(0, (await container.ExecAsync(["test", "-e", "/tmp/healthy"])).ExitCode);
    }

    [Fact]
    public async Task Without_a_health_check_it_fails_at_once_and_says_to_define_one()
    {
        var container = new ContainerBuilder("debian:bookworm")
            .ReplaceCommand("sleep", "infinity")
            .WithWaitStrategy(Wait.ForHealthy())
            .Build();

        var error = await Assert.ThrowsAsync<TestkitException>(() => container.StartAsync());

        Assert.IsNotType<WaitTimeoutException>(error);
        Assert.Contains("has no health check", error.Message, StringComparison.Ordinal);
        Assert.Contains("WithHealthCheck", error.Message, StringComparison.Ordinal);
        Assert.False(await EngineProbe.ContainerExistsAsync(container.Id));
    }
}
