using System.Collections.Concurrent;
using Testkit.Containers;
using Testkit.Containers.Reuse;
using Testkit.Engine;
using Testkit.Tests.Support;
using Testkit.Waiting;

namespace Testkit.Tests.Containers;

/// <summary>Output consumers see a container's output from its first line: what it prints while starting, and all of
/// what a container that dies while starting printed, before StartAsync returns or throws.</summary>
public sealed class ContainerOutputTests : IAsyncLifetime
{
    private readonly string run = Guid.NewGuid().ToString("N");

    public Task InitializeAsync() => Task.CompletedTask;

    // Only the reused container this class made (labelled with its own run id).
    public async Task DisposeAsync() =>
        await ContainerReuse.PruneIdleAsync(await DockerEngine.GetSharedAsync(), DateTimeOffset.MaxValue, TimeSpan.Zero,
            $"testkit.test.output={run}", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);

    [Fact]
    public async Task Lines_printed_while_starting_reach_the_consumer_before_the_container_is_ready()
    {
        var lines = new ConcurrentQueue<string>();
        // Ready only once the consumer has the early lines: the start itself waits for them to be forwarded.
        await using var container = new ContainerBuilder("debian:bookworm")
            .ReplaceCommand("sh", "-c", "echo early 1; echo early 2; exec sleep infinity")
            .WithOutputConsumer(line => lines.Enqueue(line.Text))
            .WithWaitStrategy(Wait.Until("the consumer to have the early lines", (_, _) => ValueTask.FromResult(lines.Contains("early 2"))))
            .WithStartupTimeout(TimeSpan.FromSeconds(20))
            .Build();

        await container.StartAsync();

        Assert.Equal(["early 1", "early 2"], lines.ToArray());
    }

    [Fact]
    public async Task Every_line_of_a_container_that_exits_while_starting_reaches_the_consumer_before_the_exception()
    {
        var lines = new ConcurrentQueue<string>();
        var container = new ContainerBuilder("debian:bookworm")
            .ReplaceCommand("bash", "-c", "for i in $(seq 1 300); do echo \"line $i\"; done; echo 'fatal: no config' >&2; exit 3")
            .WithOutputConsumer(line => lines.Enqueue(line.Text))
            .WithWaitStrategy(Wait.ForLogMessage("never printed"))
            .Build();

        var error = await Assert.ThrowsAsync<ContainerExitedException>(() => container.StartAsync());
        var seen = lines.ToArray(); // at once: the consumer must have had them when the exception came

        Assert.Equal(3, error.ExitCode);
        Assert.Equal(301, seen.Length);
        Assert.Equal(Enumerable.Range(1, 300).Select(i => $"line {i}"), seen.Where(l => l.StartsWith("line ", StringComparison.Ordinal)));
        Assert.Contains("fatal: no config", seen);
    }

    [Fact]
    public async Task A_reused_container_forwards_only_this_runs_lines()
    {
        var reusable = new ContainerBuilder("debian:bookworm")
            .ReplaceCommand("sh", "-c", "echo first boot; exec sleep infinity")
            .WithLabel("testkit.test.output", run)
            .WithWaitStrategy(Wait.ForLogMessage("^first boot$"))
            .WithReuse();
        await using (var first = reusable.Build())
        {
            await first.StartAsync();
        }

        var lines = new ConcurrentQueue<string>();
        await using var second = reusable.WithOutputConsumer(line => lines.Enqueue(line.Text)).Build();
        await second.StartAsync();
        await second.ExecAsync(["sh", "-c", "echo second run > /proc/1/fd/1"]);

        await Eventually.ReturnsAsync(() => Task.FromResult(lines.ToArray()), l => l.Contains("second run"), "the second run's line");
        Assert.Equal(["second run"], lines.ToArray());
    }
}
