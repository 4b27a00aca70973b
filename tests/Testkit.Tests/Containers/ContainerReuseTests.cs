using Testkit.Cleanup;
using Testkit.Containers;
using Testkit.Containers.Reuse;
using Testkit.Engine;
using Testkit.Networks;
using Testkit.Tests.Shared;

namespace Testkit.Tests.Containers;

/// <summary>Reused containers: found again by a hash of their settings, kept by dispose, removed when idle.
/// Each test labels its containers with a fresh id, so that its key is its own and pruning touches only its containers.</summary>
public sealed class ContainerReuseTests : IAsyncLifetime
{
    private readonly string run = Guid.NewGuid().ToString("N");

    private string RunLabel => $"testkit.test.reuse={run}";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() =>
        await ContainerReuse.PruneIdleAsync(await DockerEngine.GetSharedAsync(), DateTimeOffset.MaxValue, TimeSpan.Zero, RunLabel,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);

    private ContainerBuilder Sleeper(string variant = "a") => new ContainerBuilder("debian:bookworm")
        .ReplaceCommand("sleep", "infinity")
        .WithLabel("testkit.test.reuse", run)
        .WithEnvironment("VARIANT", variant)
        .WithFile("/etc/marker", "same content")
        .WithReuse();

    [Fact]
    public async Task A_second_start_with_the_same_settings_takes_the_kept_container_with_its_state()
    {
        string firstId;
        await using (var first = Sleeper().Build())
        {
            await first.StartAsync();
            firstId = first.Id;
            var write = await first.ExecAsync(["sh", "-c", "echo from-the-first-run > /state"]);
            Assert.Equal(0, write.ExitCode);
        }

        Assert.True(await EngineProbe.ContainerRunningAsync(firstId), "dispose must keep a reused container running");
        var labels = (await (await DockerEngine.GetSharedAsync()).Client.Containers.InspectContainerAsync(firstId)).Config!.Labels;
        Assert.Equal("true", labels[ResourceLabels.Keep]);
        Assert.True(labels.ContainsKey(ResourceLabels.Reuse));

        await using var second = Sleeper().Build();
        await second.StartAsync();
        Assert.Equal(firstId, second.Id);
        Assert.Equal("from-the-first-run", (await second.ExecAsync(["cat", "/state"])).Stdout.Trim());
    }

    [Fact]
    public async Task Changed_settings_or_file_content_make_another_container()
    {
        await using var original = Sleeper().Build();
        await using var otherEnvironment = Sleeper("b").Build();
        await using var otherFile = Sleeper().WithFile("/etc/marker", "other content").Build();
        await Task.WhenAll(original.StartAsync(), otherEnvironment.StartAsync(), otherFile.StartAsync());

        Assert.Equal(3, new[] { original.Id, otherEnvironment.Id, otherFile.Id }.Distinct().Count());
    }

    [Fact]
    public async Task Parallel_starts_of_the_same_settings_share_one_container()
    {
        var containers = Enumerable.Range(0, 4).Select(_ => Sleeper().Build()).ToList();
        try
        {
            await Task.WhenAll(containers.Select(c => c.StartAsync()));

            Assert.Single(containers.Select(c => c.Id).Distinct());
            Assert.Equal("same content", (await containers[3].ExecAsync(["cat", "/etc/marker"])).Stdout);
        }
        finally
        {
            await Task.WhenAll(containers.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task A_stopped_reused_container_is_started_again()
    {
        string id;
        await using (var first = Sleeper().Build())
        {
            await first.StartAsync();
            id = first.Id;
            await first.StopAsync(TimeSpan.Zero);
        }

        await using var second = Sleeper().Build();
        await second.StartAsync();
        Assert.Equal(id, second.Id);
        Assert.True((await second.GetStateAsync()).Running);
    }

    [Fact]
    public async Task Idle_containers_are_pruned_and_used_ones_kept()
    {
        string id;
        await using (var container = Sleeper().Build())
        {
            await container.StartAsync();
            id = container.Id;
        }

        var engine = await DockerEngine.GetSharedAsync();
        var logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        var justUsed = await ContainerReuse.PruneIdleAsync(engine, DateTimeOffset.UtcNow, TimeSpan.FromHours(1), RunLabel, logger, CancellationToken.None);
        Assert.Empty(justUsed);
        Assert.True(await EngineProbe.ContainerExistsAsync(id));

        var later = await ContainerReuse.PruneIdleAsync(engine, DateTimeOffset.UtcNow.AddHours(2), TimeSpan.FromHours(1), RunLabel, logger, CancellationToken.None);
        Assert.Single(later);
        Assert.False(await EngineProbe.ContainerExistsAsync(id));
    }

    [Fact]
    public void Reuse_refuses_what_the_session_owns_and_auto_remove()
    {
        var network = new NetworkBuilder().Build();

        var withNetwork = Assert.Throws<ArgumentException>(() => Sleeper().WithNetwork(network).Build());
        var autoRemoved = Assert.Throws<ArgumentException>(() => Sleeper().WithAutoRemove().Build());

        Assert.Contains("outlive", withNetwork.Message, StringComparison.Ordinal);
        Assert.Contains("WithAutoRemove", autoRemoved.Message, StringComparison.Ordinal);
    }
}
