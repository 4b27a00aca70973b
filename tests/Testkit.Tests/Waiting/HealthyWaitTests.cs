using Testkit.Containers;
using Testkit.Tests.Containers;
using Testkit.Waiting;

namespace Testkit.Tests.Waiting;

// Only the failure without a health check is tested against the engine: ContainerBuilder cannot define a
// health check yet (WithHealthCheck is coming) and no offline image has a HEALTHCHECK. Add a test that
// waits through "starting" to "healthy" once WithHealthCheck exists; StrategyBehaviourTests covers the
// polling with a fake target meanwhile.
public class HealthyWaitTests
{
    [Fact]
    public async Task Without_a_health_check_it_fails_at_once_and_says_to_define_one()
    {
        var container = new ContainerBuilder("debian:bookworm")
            .WithCommand("sleep", "infinity")
            .WithWaitStrategy(Wait.ForHealthy())
            .Build();

        var error = await Assert.ThrowsAsync<TestkitException>(() => container.StartAsync());

        Assert.IsNotType<WaitTimeoutException>(error);
        Assert.Contains("has no health check", error.Message, StringComparison.Ordinal);
        Assert.Contains("WithHealthCheck", error.Message, StringComparison.Ordinal);
        Assert.False(await EngineProbe.ContainerExistsAsync(container.Id));
    }
}
