using System.Diagnostics;
using Xunit.Abstractions;

namespace Testkit.Tests.LeakCleanup;

/// <summary>The engine dies while test processes use it, and comes back: a start in flight fails at once with the cause,
/// a dead process's watchdog removes its resources once the engine answers again, and the sweep of the next process removes
/// what a process without a watchdog left. On an engine of the test's own (<see cref="PrivateEngine"/>), which it kills.</summary>
/// <remarks>The test command runs these after every other test (trait <see cref="Category"/>), although the private engine
/// disturbs no other test: they cost two daemon starts, and their processes load the machine.</remarks>
[Collection(LeakProbeGroup.Name)]
[Trait("Category", Category)]
public sealed class EngineFaultTests(LeakProbeFixture fixture, ITestOutputHelper output)
{
    public const string Category = "EngineFault";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_killed_engine_fails_a_start_in_flight_at_once_and_what_dead_processes_left_goes_when_it_is_back()
    {
        if (!PrivateEngine.Available)
        {
            output.WriteLine("Not run: a private dockerd needs root and dockerd on PATH (eng/engine.sh installs it).");
            return;
        }

        await using var engine = await PrivateEngine.StartAsync();
        try
        {
            var environment = new Dictionary<string, string?>
            {
                ["DOCKER_HOST"] = engine.Host,
                ["DOCKER_CONTEXT"] = null,
                ["TESTKIT_PROBE_IMAGE"] = await engine.ImportSleeperAsync(),
            };
            await using var guarded = await LeakProbeProcess.StartAsync(fixture.ProbeDll, environment, arguments: ["--engine-fault"]);
            await using var unguarded = await LeakProbeProcess.StartAsync(
                fixture.ProbeDll, new Dictionary<string, string?>(environment) { ["TESTKIT_CLEANUP"] = "off" }, arguments: ["--engine-fault"]);

            // The second start is in flight once its container runs and it waits for a line that never comes.
            await guarded.SendAsync("start");
            await EventuallyAsync("the in-flight container to run", async () =>
                (await engine.DockerAsync("ps", "-q", "--filter", $"label=org.testkit.session={guarded.Session}")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == 2,
                () => string.Join("\n", guarded.Lines));

            var clock = Stopwatch.StartNew();
            await engine.KillAsync();
            var failure = await EventuallyAsync("the in-flight start to fail", () => Task.FromResult(guarded.Lines.FirstOrDefault(l => l.StartsWith("start-failed ", StringComparison.Ordinal))));
            output.WriteLine($"{clock.ElapsedMilliseconds} ms after the kill: {failure}");
            Assert.StartsWith("start-failed Testkit.", failure, StringComparison.Ordinal);
            Assert.Contains("engine", failure, StringComparison.OrdinalIgnoreCase);

            // Both processes die while the engine is down; the guarded one's watchdog outlives it and keeps trying.
            await guarded.EndAsync("KILL");
            await unguarded.EndAsync("KILL");
            await guarded.WaitForExitAsync();
            await unguarded.WaitForExitAsync();
            await engine.RestartAsync();

            await EventuallyAsync("the watchdog to remove the dead process's containers once the engine is back", async () =>
                (await engine.ContainersAsync($"org.testkit.session={guarded.Session}")).Count == 0, () => guarded.ReadWatchdogLog());
            Assert.NotEmpty(await engine.ContainersAsync($"org.testkit.session={unguarded.Session}"));

            await using var next = await LeakProbeProcess.StartAsync(fixture.ProbeDll, environment, connectOnly: true);
            await EventuallyAsync("the next process's sweep to remove what the process without a watchdog left", async () =>
                (await engine.ContainersAsync($"org.testkit.session={unguarded.Session}")).Count == 0, () => string.Join("\n", next.Lines));

            // Its watchdog has its session to remove when it ends: while the engine still answers, not after.
            await next.EndAsync("exit");
            await next.WaitForExitAsync();
            Assert.True(await WatchdogProcesses.ExitsAsync(next.Session, Deadline), "the last probe's watchdog should end");
            Assert.True(await WatchdogProcesses.ExitsAsync(guarded.Session, Deadline), "the killed probe's watchdog should end once it removed its session");
        }
        catch
        {
            output.WriteLine(engine.ReadLog());
            output.WriteLine(await engine.DescribeContainersAsync());
            throw;
        }
    }

    private static async Task<T> EventuallyAsync<T>(string what, Func<Task<T?>> probe, Func<string>? diagnostics = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value && !value.Equals(false))
            {
                return value;
            }

            if (clock.Elapsed > Deadline)
            {
                throw new TimeoutException($"Waited {Deadline.TotalSeconds} s for {what}.\n{diagnostics?.Invoke()}");
            }

            await Task.Delay(50);
        }
    }
}
