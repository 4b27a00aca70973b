using System.Diagnostics;
using System.Text.RegularExpressions;
using Docker.DotNet.Models;
using Testkit.Containers;
using Testkit.Engine;
using Testkit.Images;
using Testkit.Tests.Shared;
using Testkit.Waiting;

namespace Testkit.Tests.Containers;

/// <summary>One start pipeline: each image resolved once, each step once, counted on the wire by a proxy in front of the
/// real engine; and a create that hangs ended by the startup timeout.</summary>
public sealed class StartPipelineTests
{
    private const string ImageInspect = "^GET /images/.+/json$";
    private const string Create = "^POST /containers/create$";
    private const string TestLabel = "org.testkit.test.start-pipeline";
    private static readonly ContainerBuilder Sleeper = new ContainerBuilder("debian:bookworm").ReplaceCommand("sleep", "infinity");

    [Fact]
    public async Task A_start_resolves_its_image_once_and_creates_once()
    {
        await using var proxy = new EngineProxy();
        using var engine = await DockerEngine.ConnectAsync(proxy.Host);
        using var flow = DockerEngine.UseInThisFlow(engine);
        await using var container = Sleeper.Build();

        await container.StartAsync();

        Assert.Equal(1, proxy.Count(ImageInspect));
        Assert.Equal(1, proxy.Count(Create));
        Assert.Equal(1, proxy.Count("^POST /containers/.+/start$"));
    }

    [Fact]
    public async Task A_module_that_swaps_the_image_and_says_what_it_found_is_not_inspected_again()
    {
        var store = (await DockerEngine.GetSharedAsync()).Images;
        var redis = await store.ResolveAsync("redis:7", PullPolicy.Missing);
        await using var proxy = new EngineProxy();
        using var engine = await DockerEngine.ConnectAsync(proxy.Host);
        using var flow = DockerEngine.UseInThisFlow(engine);
        await using var told = new ImageSwapping(Sleeper.Build().Settings, redis.Reference, redis);
        await using var untold = new ImageSwapping(Sleeper.Build().Settings, redis.Reference, new ResolvedImage("other:1", "other:1", redis.Info));

        await told.StartAsync();
        var afterTold = proxy.Count(ImageInspect);
        await untold.StartAsync();

        Assert.Equal(1, afterTold);
        Assert.Equal(afterTold + 2, proxy.Count(ImageInspect));
        Assert.Equal(redis.Reference, told.Image);
        Assert.Equal(redis.Reference, untold.Image);
    }

    [Fact]
    public async Task A_create_that_hangs_is_ended_by_the_startup_timeout_and_its_late_container_removed()
    {
        var limit = TimeSpan.FromSeconds(2);
        var run = Guid.NewGuid().ToString("N");
        await using var proxy = new EngineProxy(hold: new Regex(Create), holdFor: TimeSpan.FromSeconds(6));
        using var engine = await DockerEngine.ConnectAsync(proxy.Host);
        using var flow = DockerEngine.UseInThisFlow(engine);
        var container = Sleeper.WithLabel(TestLabel, run).WithStartupTimeout(limit).Build();
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<WaitTimeoutException>(() => container.StartAsync());

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"the start took {clock.Elapsed}: it waited for the held create");
        Assert.True(error.IsStartupTimeout);
        Assert.Contains("creating the container", error.Message, StringComparison.Ordinal);

        // The engine creates the container when the held request goes on; disposing waits for that answer and removes it.
        await container.DisposeAsync();
        var real = await DockerEngine.GetSharedAsync();
        Assert.Equal(1, proxy.Count(Create));
        Assert.Empty(await real.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{TestLabel}={run}"] = true } },
        }));
    }

    // Stands for a module that creates its container from another image than the described one (Postgres snapshots).
    private sealed class ImageSwapping(ContainerSettings settings, string image, ResolvedImage found) : Container(settings)
    {
        protected override Task<PreparedStart> PrepareStartAsync(PreparedStart start, CancellationToken cancellationToken) =>
            Task.FromResult(new PreparedStart(start.Settings with { Image = image }, found));
    }
}
