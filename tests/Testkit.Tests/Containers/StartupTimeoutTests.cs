using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Docker.DotNet.Models;
using Testkit.Containers;
using Testkit.Engine;
using Testkit.Waiting;

namespace Testkit.Tests.Containers;

/// <summary>WithStartupTimeout bounds the whole start: a step that hangs before any wait (a pull, a module's preparation)
/// ends with one error naming the limit and the step, and leaves nothing on the engine.</summary>
public sealed class StartupTimeoutTests
{
    private const string TestLabel = "org.testkit.test.startup-timeout";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    // Far above the limit, far below what a hung pull would take without it (the engine's own registry timeouts are longer).
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_pull_that_hangs_is_ended_by_the_startup_timeout()
    {
        // A "registry" that accepts connections and never answers: the engine's pull from it hangs.
        using var registry = new TcpListener(IPAddress.Loopback, 0);
        registry.Start();
        using var stopping = new CancellationTokenSource();
        var accepted = new List<Socket>();
        var accepting = AcceptForeverAsync(registry, accepted, stopping.Token);
        var image = $"127.0.0.1:{((IPEndPoint)registry.LocalEndpoint).Port}/testkit-test/hangs:1";
        var run = Guid.NewGuid().ToString("N");
        var container = new ContainerBuilder(image).WithLabel(TestLabel, run).WithStartupTimeout(Limit).Build();
        try
        {
            var clock = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<WaitTimeoutException>(() => container.StartAsync());

            Assert.True(clock.Elapsed < Bound, $"the start took {clock.Elapsed}");
            Assert.True(error.IsStartupTimeout);
            Assert.Equal(Limit, error.Timeout);
            Assert.Contains("WithStartupTimeout", error.Message, StringComparison.Ordinal);
            Assert.Contains("2 s", error.Message, StringComparison.Ordinal);
            Assert.Contains($"pulling image {image}", error.Message, StringComparison.Ordinal);
            Assert.Empty(await ContainersOfRunAsync(run));
        }
        finally
        {
            await container.DisposeAsync();
            await stopping.CancelAsync();
            registry.Stop();
            await accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
            foreach (var socket in accepted)
            {
                socket.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_module_preparation_that_hangs_is_ended_by_the_startup_timeout()
    {
        var run = Guid.NewGuid().ToString("N");
        var settings = new ContainerBuilder("debian:bookworm").ReplaceCommand("sleep", "infinity").WithLabel(TestLabel, run)
            .WithStartupTimeout(Limit).Settings;
        var container = new HangingPreparation(settings);
        try
        {
            var clock = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<WaitTimeoutException>(() => container.StartAsync());

            Assert.True(clock.Elapsed < Bound, $"the start took {clock.Elapsed}");
            Assert.True(error.IsStartupTimeout);
            Assert.Contains("WithStartupTimeout", error.Message, StringComparison.Ordinal);
            Assert.Contains($"{nameof(HangingPreparation)}.PrepareStartAsync", error.Message, StringComparison.Ordinal);
            Assert.Empty(await ContainersOfRunAsync(run));
        }
        finally
        {
            await container.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_caller_cancellation_is_not_reported_as_a_startup_timeout()
    {
        var settings = new ContainerBuilder("debian:bookworm").ReplaceCommand("sleep", "infinity").WithStartupTimeout(TimeSpan.FromMinutes(1)).Settings;
        await using var container = new HangingPreparation(settings);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => container.StartAsync(cancel.Token));
    }

    private static async Task AcceptForeverAsync(TcpListener listener, List<Socket> accepted, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            accepted.Add(await listener.AcceptSocketAsync(cancellationToken));
        }
    }

    private static async Task<IList<ContainerListResponse>> ContainersOfRunAsync(string run)
    {
        var engine = await DockerEngine.GetSharedAsync();
        return await engine.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{TestLabel}={run}"] = true } },
        });
    }

    private sealed class HangingPreparation(ContainerSettings settings) : Container(settings)
    {
        protected override async Task<PreparedStart> PrepareStartAsync(PreparedStart start, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return start;
        }
    }
}
