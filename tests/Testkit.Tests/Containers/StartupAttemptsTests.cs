using Docker.DotNet.Models;
using Testkit.Containers;
using Testkit.Engine;
using Testkit.Tests.Shared;
using Testkit.Waiting;

namespace Testkit.Tests.Containers;

/// <summary>WithStartupAttempts: a first start whose container exits is tried again on a new container; the error of a
/// start whose every attempt failed lists each reason; nothing is left on the engine either way.</summary>
public sealed class StartupAttemptsTests : IDisposable
{
    private const string TestLabel = "org.testkit.test.startup-attempts";

    // Fails on its first run (and leaves a marker in the bind-mounted directory), becomes ready on the next.
    private const string FailsOnce =
        "if [ -f /marker/ran ]; then echo ready; exec sleep infinity; else touch /marker/ran; echo first run fails; exit 3; fi";

    private readonly string markers = Directory.CreateTempSubdirectory("testkit-attempts-").FullName;
    private readonly string run = Guid.NewGuid().ToString("N");

    [Fact]
    public async Task A_container_that_fails_once_starts_with_two_attempts()
    {
        await using var container = Builder(FailsOnce).WithStartupAttempts(2).Build();

        await container.StartAsync();

        Assert.True(await EngineProbe.ContainerRunningAsync(container.Id));
        Assert.Single(await ContainersOfRunAsync());
    }

    [Fact]
    public async Task With_one_attempt_the_first_failure_is_the_error()
    {
        var container = Builder(FailsOnce).Build();

        var error = await Assert.ThrowsAsync<ContainerExitedException>(() => container.StartAsync());

        Assert.Equal(3, error.ExitCode);
        Assert.Empty(await ContainersOfRunAsync());
        await container.DisposeAsync();
    }

    [Fact]
    public async Task When_every_attempt_fails_the_error_lists_each_reason()
    {
        var container = Builder("echo failing; exit 3").WithStartupAttempts(2).Build();

        var error = await Assert.ThrowsAsync<ContainerStartException>(() => container.StartAsync());

        Assert.Equal(2, error.Attempts.Count);
        Assert.All(error.Attempts, e => Assert.Equal(3, Assert.IsType<ContainerExitedException>(e).ExitCode));
        Assert.Same(error.Attempts[^1], error.InnerException);
        Assert.Contains("attempt 1: Container", error.Message, StringComparison.Ordinal);
        Assert.Contains("attempt 2: Container", error.Message, StringComparison.Ordinal);
        Assert.Contains("WithStartupAttempts(2)", error.Message, StringComparison.Ordinal);
        Assert.Empty(await ContainersOfRunAsync());
        await container.DisposeAsync();
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void Fewer_than_one_attempt_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ContainerBuilder("debian:bookworm").WithStartupAttempts(0));
        Assert.Throws<ArgumentException>(() => new Container(new ContainerSettings { Image = "debian:bookworm", StartupAttempts = 0 }));
    }

    public void Dispose() => Directory.Delete(markers, recursive: true);

    private ContainerBuilder Builder(string script) =>
        new ContainerBuilder("debian:bookworm")
            .ReplaceCommand("sh", "-c", script)
            .WithBindMount(markers, "/marker")
            .WithLabel(TestLabel, run)
            .WithWaitStrategy(Wait.ForLogMessage("ready"))
            .WithStartupTimeout(TimeSpan.FromSeconds(30));

    private async Task<IList<ContainerListResponse>> ContainersOfRunAsync()
    {
        var engine = await DockerEngine.GetSharedAsync();
        return await engine.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{TestLabel}={run}"] = true } },
        });
    }
}
